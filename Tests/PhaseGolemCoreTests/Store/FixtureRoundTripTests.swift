import Testing
@testable import PhaseGolemCore

/// Every real store file survives a read and a write byte for byte, and the canonical
/// writer alone (without the cached source line) reproduces every real item line.
@Suite("Fixture round trips")
struct FixtureRoundTripTests {
    @Test("The fixture list covers every .jsonl file in the fixtures directory")
    func fixtureListIsComplete() throws {
        let listed = (Fixtures.activeFiles + Fixtures.archiveFiles).sorted()
        #expect(try Fixtures.enumerateJSONL() == listed)
        #expect(Fixtures.historyFiles.count == 11)
    }

    @Test("Active files: parse then serialize gives the same bytes", arguments: Fixtures.activeFiles)
    func activeFileRoundTrip(relative: String) throws {
        let bytes = try Fixtures.bytes(relative)
        let contents = try StoreFileFormat.parse(bytes, path: relative, strict: true)
        #expect(!contents.items.isEmpty)
        #expect(contents.warnings.isEmpty)
        let written = StoreFileFormat.serialize(contents.items, dialect: contents.dialect)
        #expect(written == bytes, "\(relative) changed on a round trip")
    }

    @Test("Archive files: each item is written back as its source line", arguments: Fixtures.archiveFiles)
    func archiveFileRoundTrip(relative: String) throws {
        let bytes = try Fixtures.bytes(relative)
        let contents = try StoreFileFormat.parse(bytes, path: relative, strict: false)
        #expect(contents.warnings.isEmpty)
        let lines = splitLines(bytes)
        #expect(lines.first == StoreFileFormat.header)
        let itemLines = Array(lines.dropFirst())
        try #require(contents.items.count == itemLines.count)
        for (item, line) in zip(contents.items, itemLines) {
            var writer = JSONWriter()
            item.write(to: &writer, dialect: contents.dialect)
            #expect(writer.bytes == line, "\(relative): \(item.id) changed")
        }
    }

    @Test("The canonical writer reproduces every fixture line, ignoring the cached source",
          arguments: Fixtures.activeFiles + Fixtures.archiveFiles)
    func canonicalWriterMatchesEverySourceLine(relative: String) throws {
        let bytes = try Fixtures.bytes(relative)
        let contents = try StoreFileFormat.parse(bytes, path: relative, strict: false)
        let itemLines = Array(splitLines(bytes).dropFirst())
        try #require(contents.items.count == itemLines.count)
        for (item, line) in zip(contents.items, itemLines) {
            let canonical = item.canonicalLine(dialect: contents.dialect)
            #expect(canonical == text(line), "\(relative): canonical line of \(item.id) differs")
            #expect(utf8(canonical) == line)
        }
    }

    @Test("A file re-serialized from modified copies of every item is still byte-identical",
          arguments: Fixtures.activeFiles)
    func canonicalWholeFileMatches(relative: String) throws {
        let bytes = try Fixtures.bytes(relative)
        let contents = try StoreFileFormat.parse(bytes, path: relative, strict: true)
        // Re-assigning a field to its own value drops the cached line, forcing the canonical path.
        let rebuilt = contents.items.map { item -> StoreItem in
            var copy = item
            copy.title = item.title
            return copy
        }
        #expect(rebuilt.allSatisfy { $0.isModified })
        #expect(StoreFileFormat.serialize(rebuilt.reversed(), dialect: contents.dialect) == bytes)
    }

    @Test("Fixture item counts and dialects match docs/store-format.md#fixtures")
    func fixtureShapes() throws {
        let pgActive = try StoreFileFormat.parse(
            Fixtures.bytes("\(Fixtures.phaseGolemStore)/tasks.jsonl"), path: "pg", strict: true)
        #expect(pgActive.items.map(\.id) == ["HAMY-5c0f8", "HAMY-958ba", "HAMY-c0ff6", "tg-17988", "tg-a67be", "tg-ffd7b"])
        #expect(pgActive.dialect == .v01)
        let pgArchive = try StoreFileFormat.parse(
            Fixtures.bytes("\(Fixtures.phaseGolemStore)/archive.jsonl"), path: "pga", strict: false)
        #expect(Set(pgArchive.items.map(\.id)) == ["tg-8a8f7", "tg-5b1fc"])
        let tgActive = try StoreFileFormat.parse(
            Fixtures.bytes("\(Fixtures.taskGolemStore)/tasks.jsonl"), path: "tg", strict: true)
        #expect(tgActive.items.count == 17)
        #expect(tgActive.dialect == .v02)
        #expect(tgActive.items.filter { $0.status == .doing }.count == 3)
        let tgArchive = try StoreFileFormat.parse(
            Fixtures.bytes("\(Fixtures.taskGolemStore)/archive.jsonl"), path: "tga", strict: false)
        #expect(tgArchive.items.isEmpty)
    }
}
