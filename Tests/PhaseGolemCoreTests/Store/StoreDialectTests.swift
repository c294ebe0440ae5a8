import Testing
@testable import PhaseGolemCore

/// The two on-disk dialects (docs/store-format.md#dialects): a write keeps the one the file uses.
@Suite("Store dialects")
struct StoreDialectTests {
    /// The bytes of the title value inside a source line, as written there (escapes included).
    static func rawTitle(of line: [UInt8]) throws -> String {
        let line = text(line)
        let start = try #require(line.range(of: "\"title\":\""))
        let end = try #require(line.range(of: "\",\"status\":\"", range: start.upperBound..<line.endIndex))
        return String(line[start.upperBound..<end.lowerBound])
    }

    @Test("The 0.3 store is detected as 0.2+, the phase-golem store as 0.1")
    func detection() throws {
        let tg = try StoreFileFormat.parse(
            Fixtures.bytes("\(Fixtures.taskGolemStore)/tasks.jsonl"), path: "tg", strict: true)
        #expect(tg.dialect == .v02)
        #expect(tg.items.allSatisfy { $0.hadParentKey })
        let pg = try StoreFileFormat.parse(
            Fixtures.bytes("\(Fixtures.phaseGolemStore)/tasks.jsonl"), path: "pg", strict: true)
        #expect(pg.dialect == .v01)
        #expect(pg.items.allSatisfy { !$0.hadParentKey })
    }

    @Test("0.2+ store: a modified item keeps \"parent\":null after claimed_at and before x- keys; others unchanged")
    func v02ModificationKeepsParent() throws {
        let scratch = try TemporaryStore(copying: Fixtures.taskGolemStore)
        let before = try scratch.read(scratch.activePath)
        let beforeLines = splitLines(before)
        let targetIndex = 3
        let target = text(beforeLines[targetIndex])
        let id = String(target.split(separator: "\"")[3])
        #expect(id.hasPrefix("tg-"))

        let dialect = try scratch.store.update { transaction in
            try transaction.modify(id) { $0.title = "Renamed by phase-golem" }
            return transaction.dialect
        }
        #expect(dialect == .v02)

        let afterLines = splitLines(try scratch.read(scratch.activePath))
        try #require(afterLines.count == beforeLines.count)
        for index in afterLines.indices where index != targetIndex {
            #expect(afterLines[index] == beforeLines[index], "line \(index + 1) changed")
        }
        let changed = text(afterLines[targetIndex])
        let oldTitle = try Self.rawTitle(of: beforeLines[targetIndex])
        #expect(changed == target.replacingOccurrences(
            of: "\"title\":\"\(oldTitle)\"", with: "\"title\":\"Renamed by phase-golem\""))
        let claimed = try #require(changed.range(of: "\"claimed_at\":null,\"parent\":null,\"x-"))
        #expect(changed.range(of: "\"parent\"")?.lowerBound == changed.index(claimed.lowerBound, offsetBy: 18))
        // The ids stay base32 as they were: nothing renumbered.
        #expect(changed.hasPrefix("{\"id\":\"\(id)\""))
    }

    @Test("0.2+ store: a new item is written with \"parent\":null")
    func v02NewItemGetsParent() throws {
        let scratch = try TemporaryStore(copying: Fixtures.taskGolemStore)
        try scratch.store.update { transaction in
            transaction.items.append(StoreItem(id: "TG-00abc", title: "New", now: fixedNow))
        }
        let lines = splitLines(try scratch.read(scratch.activePath)).map(text)
        // Upper-case ids sort before "tg-" by bytes, so it is the first item line.
        #expect(lines[1] == "{\"id\":\"TG-00abc\",\"title\":\"New\",\"status\":\"todo\",\"priority\":0,\"description\":null,"
            + "\"tags\":[],\"dependencies\":[],\"created_at\":\"2027-01-15T08:00:00.123Z\","
            + "\"updated_at\":\"2027-01-15T08:00:00.123Z\",\"blocked_reason\":null,\"blocked_from_status\":null,"
            + "\"claimed_by\":null,\"claimed_at\":null,\"parent\":null}")
    }

    @Test("0.1 store: a modified item gains no parent key; others unchanged")
    func v01ModificationHasNoParent() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let beforeLines = splitLines(try scratch.read(scratch.activePath))
        try scratch.store.update { transaction in
            #expect(transaction.dialect == .v01)
            try transaction.modify("tg-17988") { $0.title = "Retitled" }
        }
        let afterLines = splitLines(try scratch.read(scratch.activePath))
        try #require(afterLines.count == beforeLines.count)
        let index = try #require(beforeLines.firstIndex { text($0).hasPrefix("{\"id\":\"tg-17988\"") })
        for other in afterLines.indices where other != index {
            #expect(afterLines[other] == beforeLines[other])
        }
        let changed = text(afterLines[index])
        #expect(!changed.contains("\"parent\""))
        #expect(changed == text(beforeLines[index]).replacingOccurrences(
            of: "\"title\":\"Remove From<PgError> for String bridge after error migration\"",
            with: "\"title\":\"Retitled\""))
    }

    @Test("0.1 store: an item whose parent is set gets the key even so")
    func v01ItemWithParentWritesIt() throws {
        var item = try parseItem(itemLine(id: "tg-00001"))
        item.parent = "tg-00002"
        #expect(item.canonicalLine(dialect: .v01).contains("\"claimed_at\":null,\"parent\":\"tg-00002\"}"))
        item.parent = nil
        #expect(!item.canonicalLine(dialect: .v01).contains("parent"))
    }

    @Test("A changed item differs from its source line only in the changed field")
    func onlyTheChangedFieldDiffers() throws {
        let bytes = try Fixtures.bytes("\(Fixtures.phaseGolemStore)/tasks.jsonl")
        let contents = try StoreFileFormat.parse(bytes, path: "pg", strict: true)
        let lines = splitLines(bytes)
        for (index, original) in contents.items.enumerated() {
            var item = original
            item.title = "Quote \" backslash \\ slash / é\ttab"
            #expect(item.isModified)
            #expect(item.updatedAt.text == original.updatedAt.text, "title assignment must not touch updated_at")
            var writer = JSONWriter()
            item.write(to: &writer, dialect: contents.dialect)
            let source = lines[index + 1]
            let oldTitle = try Self.rawTitle(of: source)
            let expected = text(source).replacingOccurrences(
                of: "\"title\":\"\(oldTitle)\"",
                with: "\"title\":\"Quote \\\" backslash \\\\ slash / é\\ttab\"")
            #expect(text(writer.bytes) == expected, "\(original.id)")
        }
    }

    @Test("A setter that bumps updated_at changes exactly title and updated_at")
    func titleAndTouch() throws {
        let bytes = try Fixtures.bytes("\(Fixtures.phaseGolemStore)/tasks.jsonl")
        let contents = try StoreFileFormat.parse(bytes, path: "pg", strict: true)
        var item = try #require(contents.items.first { $0.id == "tg-a67be" })
        let source = text(try #require(splitLines(bytes).first { text($0).hasPrefix("{\"id\":\"tg-a67be\"") }))
        item.title = "New"
        item.touch(fixedNow)
        let expected = source
            .replacingOccurrences(of: "\"title\":\"Test item for e2e validation\"", with: "\"title\":\"New\"")
            .replacingOccurrences(of: "\"updated_at\":\"2026-02-27T19:43:01.601645152Z\"",
                                  with: "\"updated_at\":\"2027-01-15T08:00:00.123Z\"")
        #expect(expected != source)
        #expect(item.canonicalLine(dialect: .v01) == expected)
    }
}
