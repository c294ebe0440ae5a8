import Testing
@testable import PhaseGolemCore

/// Reading store files (docs/store-format.md#file-format): strict for the active file, lenient for the archive.
@Suite("Store file format")
struct StoreFileFormatTests {
    static let header = "{\"schema_version\":1}\n"
    static let recovery = "git checkout .task-golem/tasks.jsonl"

    static func file(_ lines: [String]) -> [UInt8] {
        utf8(header + lines.map { $0 + "\n" }.joined())
    }

    /// The corruption message of a strict parse, or a test failure.
    static func corruption(_ bytes: [UInt8], path: String = "/p/.task-golem/tasks.jsonl") throws -> String {
        do {
            _ = try StoreFileFormat.parse(bytes, path: path, strict: true)
        } catch {
            guard case .corruption = error else {
                Issue.record("expected corruption, got \(error)")
                return ""
            }
            return error.description
        }
        Issue.record("expected corruption, the file parsed")
        return ""
    }

    /// Bad item lines, each with the phrase its message must contain.
    static let badLines: [(String, String, String)] = [
        ("not JSON", "not valid json", "Malformed item on line"),
        ("trailing comma", String(itemLine(id: "tg-bad01").dropLast()) + ",}", "Malformed item on line"),
        ("unknown status", itemLine(id: "tg-bad02", status: "running"), "Malformed item on line"),
        ("upper-case status", itemLine(id: "tg-bad03", status: "Todo"), "Malformed item on line"),
        ("non-x- extension key", itemLine(id: "tg-bad04", extra: ",\"foo\":1"), "Invalid extensions on line"),
        ("misspelled core field", itemLine(id: "tg-bad05", extra: ",\"blocked_by\":null"), "Invalid extensions on line"),
        ("missing id", #"{"title":"t","status":"todo","priority":0,"tags":[],"dependencies":[],"created_at":"2026-02-26T12:00:00Z","updated_at":"2026-02-26T12:00:00Z"}"#, "Malformed item on line"),
        ("float priority", itemLine(id: "tg-bad06").replacingOccurrences(of: "\"priority\":0", with: "\"priority\":1.0"), "Malformed item on line"),
        ("bad timestamp", itemLine(id: "tg-bad07").replacingOccurrences(of: "\"created_at\":\"2026-02-26T12:00:00Z\"", with: "\"created_at\":\"2026-02-30T12:00:00Z\""), "Malformed item on line"),
        ("numeric title", itemLine(id: "tg-bad08").replacingOccurrences(of: "\"title\":\"A title\"", with: "\"title\":7"), "Malformed item on line"),
        ("duplicate core field", String(itemLine(id: "tg-bad09").dropLast()) + ",\"title\":\"again\"}", "Malformed item on line"),
        ("array instead of object", "[1,2]", "Malformed item on line"),
        ("two objects on a line", itemLine(id: "tg-bad10") + "{}", "Malformed item on line"),
    ]

    @Test("A bad line in tasks.jsonl is corruption naming the file, the line and the recovery", arguments: badLines)
    func strictRejectsBadLine(name: String, line: String, phrase: String) throws {
        let path = "/srv/project/.task-golem/tasks.jsonl"
        // header (1), good (2), blank (3), whitespace-only (4), bad (5), good (6)
        let bytes = utf8(Self.header + itemLine(id: "tg-00001") + "\n\n \t\n" + line + "\n" + itemLine(id: "tg-00002") + "\n")
        let message = try Self.corruption(bytes, path: path)
        #expect(message.contains("\(phrase) 5 of \(path)"), "\(name): \(message)")
        #expect(message.contains(Self.recovery), "\(name): \(message)")
    }

    @Test("The same bad line in archive.jsonl is skipped with a warning; good items load", arguments: badLines)
    func lenientSkipsBadLine(name: String, line: String, phrase: String) throws {
        let path = "/srv/project/.task-golem/archive.jsonl"
        let bytes = Self.file([itemLine(id: "tg-00001"), line, itemLine(id: "tg-00002")])
        let contents = try StoreFileFormat.parse(bytes, path: path, strict: false)
        #expect(contents.items.map(\.id) == ["tg-00001", "tg-00002"], "\(name)")
        #expect(contents.warnings.count == 1)
        #expect(contents.warnings.first?.contains("\(phrase) 3 of \(path)") == true, "\(name): \(contents.warnings)")
    }

    @Test("The line number counts the header and every earlier line")
    func lineNumbers() throws {
        let lines = (1...7).map { itemLine(id: "tg-0000\($0)") } + ["{oops}"]
        let message = try Self.corruption(Self.file(lines))
        #expect(message.contains("Malformed item on line 9 of"))
        #expect(!message.contains("line 8 "))
    }

    @Test("Non-x- extension message names the key, as task-golem does")
    func invalidExtensionMessage() throws {
        let message = try Self.corruption(Self.file([itemLine(id: "tg-00001", extra: ",\"parentx\":null")]))
        #expect(message.contains("Invalid extensions on line 2"))
        #expect(message.contains("Extension key 'parentx' must start with 'x-' prefix"))
    }

    @Test("Bad headers are corruption in both files", arguments: [
        "{\"schema\":1}\n", "not json\n", "\n", "[1]\n", "{\"schema_version\":\"1\"}\n", "{\"schema_version\":-1}\n",
        "{\"schema_version\":1.0}\n", "\u{FEFF}{\"schema_version\":1}\n",
    ])
    func badHeader(header: String) throws {
        for strict in [true, false] {
            let error = try #require(throws: StoreError.self) {
                try StoreFileFormat.parse(utf8(header + itemLine(id: "tg-00001") + "\n"), path: "/x/tasks.jsonl", strict: strict)
            }
            guard case .corruption(let inner) = error else {
                Issue.record("expected corruption, got \(error)")
                continue
            }
            #expect(inner.contains("Invalid header on line 1 of /x/tasks.jsonl"))
        }
    }

    @Test("A file of just a newline is corrupt")
    func justNewline() throws {
        let message = try Self.corruption(utf8("\n"))
        #expect(message.contains("Invalid header on line 1"))
    }

    @Test("A header with another schema version is unsupported, in both files")
    func unsupportedSchema() throws {
        for strict in [true, false] {
            #expect(throws: StoreError.unsupportedSchema(version: "2", path: "/x/tasks.jsonl")) {
                try StoreFileFormat.parse(utf8("{\"schema_version\":2}\n"), path: "/x/tasks.jsonl", strict: strict)
            }
        }
        let description = StoreError.unsupportedSchema(version: "2", path: "/x/tasks.jsonl").description
        #expect(description.contains("Unsupported schema version 2 in /x/tasks.jsonl"))
    }

    @Test("Extra header keys are ignored")
    func headerExtraKeys() throws {
        let bytes = utf8("{\"note\":\"x\", \"schema_version\":1}\n" + itemLine(id: "tg-00001") + "\n")
        #expect(try StoreFileFormat.parse(bytes, path: "p", strict: true).items.count == 1)
    }

    @Test("Empty file and header-only file have no items")
    func emptyFiles() throws {
        for strict in [true, false] {
            let empty = try StoreFileFormat.parse([], path: "p", strict: strict)
            #expect(empty.items.isEmpty)
            #expect(empty.warnings.isEmpty)
            #expect(try StoreFileFormat.parse(Self.file([]), path: "p", strict: strict).items.isEmpty)
            #expect(try StoreFileFormat.parse(utf8("{\"schema_version\":1}"), path: "p", strict: strict).items.isEmpty)
        }
    }

    @Test("Missing files read as no items through the store")
    func missingFiles() throws {
        let scratch = try TemporaryStore()
        #expect(try scratch.store.loadActive().items.isEmpty)
        #expect(try scratch.store.loadArchive().items.isEmpty)
        try scratch.write(scratch.activePath, [])
        #expect(try scratch.store.loadActive().items.isEmpty)
    }

    @Test("Blank and whitespace-only lines are skipped")
    func blankLines() throws {
        let bytes = utf8(Self.header + "\n" + itemLine(id: "tg-00001") + "\n   \n\t\n\r\n" + itemLine(id: "tg-00002") + "\n\n")
        let contents = try StoreFileFormat.parse(bytes, path: "p", strict: true)
        #expect(contents.items.map(\.id) == ["tg-00001", "tg-00002"])
    }

    @Test("CRLF line endings are accepted, header included")
    func crlf() throws {
        let bytes = utf8("{\"schema_version\":1}\r\n" + itemLine(id: "tg-00002") + "\r\n" + itemLine(id: "tg-00001") + "\r\n")
        let contents = try StoreFileFormat.parse(bytes, path: "p", strict: true)
        #expect(contents.items.map(\.id) == ["tg-00002", "tg-00001"])
        // Written back canonically with LF, sorted.
        #expect(StoreFileFormat.serialize(contents.items, dialect: contents.dialect)
            == Self.file([itemLine(id: "tg-00001"), itemLine(id: "tg-00002")]))
    }

    @Test("A last line without its newline is read")
    func noFinalNewline() throws {
        let bytes = utf8(Self.header + itemLine(id: "tg-00001"))
        #expect(try StoreFileFormat.parse(bytes, path: "p", strict: true).items.map(\.id) == ["tg-00001"])
    }

    @Test("A torn last line in the archive is skipped; the active file refuses it")
    func tornLastLine() throws {
        let torn = utf8(Self.header + itemLine(id: "tg-00001") + "\n" + String(itemLine(id: "tg-00002").prefix(40)))
        let archive = try StoreFileFormat.parse(torn, path: "a", strict: false)
        #expect(archive.items.map(\.id) == ["tg-00001"])
        #expect(archive.warnings.count == 1)
        _ = try Self.corruption(torn)
    }

    @Test("A duplicate x- extension key is accepted, the last value winning (serde's BTreeMap)")
    func duplicateExtensionKey() throws {
        let line = itemLine(id: "tg-00001", extra: ",\"x-a\":1,\"x-b\":2,\"x-a\":3")
        let contents = try StoreFileFormat.parse(Self.file([line]), path: "p", strict: true)
        let item = try #require(contents.items.first)
        #expect(item.extensionValue("x-a") == .number("3"))
        #expect(item.canonicalLine(dialect: .v01) == itemLine(id: "tg-00001", extra: ",\"x-a\":3,\"x-b\":2"))
    }

    @Test("A parent key is read (0.2+ dialect), null or set")
    func parentKey() throws {
        let contents = try StoreFileFormat.parse(Self.file([
            itemLine(id: "tg-00001", extra: ",\"parent\":null"),
            itemLine(id: "tg-00002", extra: ",\"parent\":\"tg-00001\""),
        ]), path: "p", strict: true)
        #expect(contents.dialect == .v02)
        #expect(contents.items.map(\.parent) == [nil, "tg-00001"])
    }

    @Test("Corruption errors through the store name the real path")
    func storeLoadActiveCorruption() throws {
        let scratch = try TemporaryStore()
        try scratch.write(scratch.activePath, Self.file([itemLine(id: "tg-00001"), "{"]))
        let error = try #require(throws: StoreError.self) { try scratch.store.loadActive() }
        guard case .corruption = error else {
            Issue.record("expected corruption, got \(error)")
            return
        }
        #expect(error.description.contains("Malformed item on line 3 of \(scratch.activePath)"))
        #expect(error.description.contains(Self.recovery))
    }
}
