import Testing
@testable import PhaseGolemCore

/// The strict RFC 8259 parser: what serde_json refuses, it refuses.
@Suite("JSONParser")
struct JSONParserTests {
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) {
                return .success(try JSONParser.parse(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test("Rejects invalid JSON text", arguments: [
        ("trailing comma in array", "[1,2,]"),
        ("trailing comma in object", #"{"a":1,}"#),
        ("line comment", "// c\n{}"),
        ("block comment", #"{"a":/* c */1}"#),
        ("single quotes", "{'a':1}"),
        ("single-quoted value", #"{"a":'x'}"#),
        ("raw newline in string", "\"a\nb\""),
        ("raw tab in string", "\"a\tb\""),
        ("raw NUL in string", "\"a\u{0}b\""),
        ("raw control char after an escape", "\"\\n\u{1}\""),
        ("invalid escape \\x", #""\x41""#),
        ("invalid escape \\'", #""\'""#),
        ("invalid escape \\U", #""\U0041""#),
        ("short \\u escape", #""\u12""#),
        ("non-hex \\u escape", #""\u12g4""#),
        ("lone high surrogate", #""\ud800""#),
        ("high surrogate then text", #""\ud83dabc""#),
        ("high surrogate then non-low escape", #""\ud83d\u0041""#),
        ("lone low surrogate", #""\udc00""#),
        ("reversed surrogate pair", #""\ude00\ud83d""#),
        ("leading zero", "01"),
        ("leading zero in array", "[01]"),
        ("negative leading zero", "-01"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("plus sign", "+1"),
        ("bare fraction", ".5"),
        ("fraction without digits", "1."),
        ("exponent without digits", "1e"),
        ("hex number", "0x10"),
        ("truncated object", #"{"a":1"#),
        ("truncated key", #"{"a"#),
        ("truncated after colon", #"{"a":"#),
        ("truncated array", "[1,"),
        ("truncated string", #""abc"#),
        ("truncated escape", #""\"#),
        ("truncated literal", "tru"),
        ("empty input", ""),
        ("whitespace only", "  "),
        ("two values", "{} {}"),
        ("unquoted key", "{a:1}"),
        ("missing colon", #"{"a" 1}"#),
        ("capitalized literal", "True"),
        ("nesting 129 deep", nested(129)),
        ("nesting 200 deep in objects", String(repeating: #"{"a":"#, count: 200) + "1" + String(repeating: "}", count: 200)),
    ])
    func rejects(name: String, json: String) {
        #expect(throws: JSONSyntaxError.self, "\(name) must be rejected") { try JSONParser.parse(json) }
    }

    @Test("Rejects invalid UTF-8 bytes", arguments: [
        [0x22, 0xFF, 0x22],                   // never valid
        [0x22, 0xC3, 0x22],                   // truncated sequence
        [0x22, 0xC0, 0xAF, 0x22],             // overlong "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22],       // encoded surrogate
        [0x22, 0x5C, 0x6E, 0xE9, 0x22],       // Latin-1 "é" after an escape (slow path)
        [0x7B, 0x22, 0xE9, 0x22, 0x3A, 0x31, 0x7D], // in a key
    ] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(throws: JSONSyntaxError.self) { try Self.parse(bytes) }
    }

    @Test("Accepts escapes, including \\u and surrogate pairs")
    func acceptsEscapes() throws {
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try JSONParser.parse(#""\u0041\u00e9\u00E9\u20ac""#) == .string("Aéé€"))
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""\uD83D\uDE00x""#) == .string("😀x"))
        #expect(try JSONParser.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try JSONParser.parse("\"é😀\"") == .string("é😀"))
    }

    @Test("Parses every kind of value, keeping numbers' text and members' order")
    func acceptsValues() throws {
        let value = try JSONParser.parse(" {\"b\" : [true, false, null, -0, 1.5e-3, \"s\"], \"a\":{}}\r\n")
        #expect(value == .object([
            JSONMember("b", .array([.bool(true), .bool(false), .null, .number("-0"), .number("1.5e-3"), .string("s")])),
            JSONMember("a", .object([])),
        ]))
    }

    @Test("Nesting limit matches serde_json: 127 levels parse, 128 do not")
    func nestingLimit() throws {
        #expect(throws: Never.self) { try JSONParser.parse(Self.nested(127)) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Self.nested(128)) }
        let deepObject = String(repeating: #"{"a":"#, count: 127) + "1" + String(repeating: "}", count: 127)
        #expect(throws: Never.self) { try JSONParser.parse(deepObject) }
    }

    @Test("Errors carry a 1-based column")
    func errorColumn() {
        #expect(throws: JSONSyntaxError("expected ',' or ']' in array", column: 5)) { try JSONParser.parse("[1,2}") }
    }
}
