import Testing
@testable import PhaseGolemCore

/// Canonical output rules of serde_json as task-golem builds it (docs/store-format.md#canonical-bytes).
@Suite("JSONWriter canonical output")
struct JSONWriterTests {
    static func written(_ string: String) -> String {
        var writer = JSONWriter()
        writer.writeString(string)
        return text(writer.bytes)
    }

    @Test("Quote and backslash are escaped")
    func quoteAndBackslash() {
        #expect(Self.written("a\"b\\c") == #""a\"b\\c""#)
    }

    @Test("Control characters use short escapes or lowercase \\u00xx", arguments: [
        ("\u{08}", #"\b"#), ("\u{09}", #"\t"#), ("\u{0A}", #"\n"#), ("\u{0C}", #"\f"#), ("\u{0D}", #"\r"#),
        ("\u{00}", #"\u0000"#), ("\u{01}", #"\u0001"#), ("\u{0B}", #"\u000b"#), ("\u{1B}", #"\u001b"#),
        ("\u{1F}", #"\u001f"#), ("\u{1A}", #"\u001a"#),
    ])
    func controlCharacters(input: String, escaped: String) {
        #expect(Self.written("x" + input + "y") == "\"x" + escaped + "y\"")
    }

    @Test("Every control character is escaped and parses back to itself")
    func allControlCharactersRoundTrip() throws {
        for byte in UInt8(0)..<0x20 {
            let string = String(UnicodeScalar(byte))
            let json = Self.written(string)
            #expect(!json.utf8.dropFirst().dropLast().contains { $0 < 0x20 }, "raw control byte \(byte) written")
            #expect(try JSONParser.parse(json) == .string(string))
        }
    }

    @Test("Slash, DEL and non-ASCII are written raw")
    func rawCharacters() {
        #expect(Self.written("a/b") == "\"a/b\"")
        #expect(Self.written("\u{7F}") == "\"\u{7F}\"")
        #expect(Self.written("é — 日本 🎉") == "\"é — 日本 🎉\"")
        #expect(utf8(Self.written("é")) == [0x22, 0xC3, 0xA9, 0x22])
    }

    @Test("Object keys are sorted by bytes at every depth; arrays keep their order")
    func nestedSorting() throws {
        let source = #"{"zeta":{"b":1,"a":{"y":[3,1,{"k2":true,"k1":null}],"x":"s"}},"Alpha":[],"alpha":{},"é":0,"z":1}"#
        let value = try JSONParser.parse(source)
        #expect(JSONWriter.canonicalString(value)
            == #"{"Alpha":[],"alpha":{},"z":1,"zeta":{"a":{"x":"s","y":[3,1,{"k1":null,"k2":true}]},"b":1},"é":0}"#)
    }

    @Test("Keys sort by UTF-8 bytes, not by Unicode collation")
    func byteOrderNotCollation() throws {
        // U+00E9 (C3 A9) sorts before U+FB01 (EF AC 81), and "Z" (5A) before "a" (61).
        let value = try JSONParser.parse(#"{"ﬁ":1,"é":2,"a":3,"Z":4}"#)
        #expect(JSONWriter.canonicalString(value) == #"{"Z":4,"a":3,"é":2,"ﬁ":1}"#)
    }

    @Test("A repeated key keeps the last value, as serde's map does")
    func duplicateKeyLastWins() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":2,"b":3}"#)
        #expect(JSONWriter.canonicalString(value) == #"{"a":2,"b":3}"#)
    }

    @Test("Numbers are kept as their source text", arguments: ["1.0", "1e16", "-0", "0.1", "1E+2", "-12.50e-3", "123456789012345678901234567890"])
    func numbersKeepSourceText(number: String) throws {
        let value = try JSONParser.parse("[\(number),{\"n\":\(number)}]")
        #expect(JSONWriter.canonicalString(value) == "[\(number),{\"n\":\(number)}]")
    }

    @Test("Extension values are written canonically after the core fields, keys sorted")
    func itemExtensions() throws {
        let line = itemLine(id: "tg-00001", extra: #","x-z":{"b":[1.0,"/"],"a":-0},"x-a":"\u00e9\n","x-m":1e16"#)
        let item = try parseItem(line)
        #expect(item.canonicalLine(dialect: .v01) == itemLine(
            id: "tg-00001", extra: #","x-a":"é\n","x-m":1e16,"x-z":{"a":-0,"b":[1.0,"/"]}"#))
    }

    @Test("An item written through the writer parses back equal")
    func itemRoundTripThroughWriter() throws {
        var item = StoreItem(id: "tg-abcde", title: "T \u{1} \"q\" é", now: fixedNow)
        item.description = "line1\nline2\r\\"
        item.tags = ["b", "a"]
        item.dependencies = ["tg-1", "tg-0"]
        item.status = .blocked
        item.blockedFromStatus = .doing
        item.blockedReason = "why/not"
        item.claimedBy = "me"
        item.claimedAt = Timestamp(seconds: 1, nanoseconds: 5)
        item.priority = -3
        item.setExtension("x-obj", .object([JSONMember("z", .array([.null, .bool(false)])), JSONMember("a", .number("2.50"))]))
        let line = item.canonicalLine(dialect: .v01)
        let parsed = try parseItem(line)
        // The object comes back in canonical (sorted) member order.
        var expected = item
        expected.setExtension("x-obj", .object([JSONMember("a", .number("2.50")), JSONMember("z", .array([.null, .bool(false)]))]))
        #expect(parsed == expected)
        #expect(parsed.canonicalLine(dialect: .v01) == line)
        #expect(line.contains(#""tags":["b","a"],"dependencies":["tg-1","tg-0"]"#))
        #expect(line.contains(#""claimed_at":"1970-01-01T00:00:01.000000005Z""#))
        #expect(line.hasSuffix(#""x-obj":{"a":2.50,"z":[null,false]}}"#))
    }
}
