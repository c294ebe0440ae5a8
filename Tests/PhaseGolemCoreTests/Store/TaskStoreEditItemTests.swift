import Foundation
import Testing
@testable import PhaseGolemCore

/// `TaskStore.editItem`, the one-item edit behind `unblock` and `advance`: it writes exactly the
/// bytes the full transaction writes, and refuses what the full transaction refuses.
@Suite("TaskStore.editItem")
struct TaskStoreEditItemTests {
    /// What the full path writes for the same change: parse everything, change the item, serialize.
    static func fullRewrite(_ bytes: [UInt8], id: String, _ change: (inout StoreItem) -> Void) throws -> [UInt8] {
        let contents = try StoreFileFormat.parse(bytes, path: "tasks.jsonl", strict: true)
        var items = contents.items
        let index = try #require(items.firstIndex { $0.id == id })
        change(&items[index])
        return StoreFileFormat.serialize(items, dialect: contents.dialect)
    }

    static func retitle(_ item: inout StoreItem) {
        item.title = "Retitled \u{E9} \"by\" the edit"
        item.touch(fixedNow)
    }

    @Test("Each fixture: editing its first, middle and last item writes what the full rewrite writes",
          arguments: Fixtures.activeFiles)
    func sameBytesAsFullRewrite(relative: String) throws {
        let original = try Fixtures.bytes(relative)
        let ids = try StoreFileFormat.parse(original, path: relative, strict: true).items.map(\.id)
        for id in Set([ids[0], ids[ids.count / 2], ids[ids.count - 1]]) {
            // Fixtures are in the form a rewrite produces: the one-line path must be the one taken.
            #expect(try SingleLineEdit.locate(id, in: original, path: relative)?.line != nil, "\(relative): \(id)")
            let scratch = try TemporaryStore()
            try scratch.write(scratch.activePath, original)
            let before = try fileIdentity(scratch.activePath)
            let result = try scratch.store.editItem(id, { Self.retitle(&$0); return 7 }, then: { $0 * 6 })
            #expect(result == 42)
            let written = try scratch.read(scratch.activePath)
            #expect(written == (try Self.fullRewrite(original, id: id, Self.retitle)), "\(relative): \(id)")
            #expect(try fileIdentity(scratch.activePath).inode != before.inode, "the rewrite must be an atomic rename")
        }
    }

    @Test("Files a rewrite normalizes (unsorted, CRLF, blank line, other header, 0.2 lines without parent) are written as the full rewrite writes them",
          arguments: [
              "{\"schema_version\":1}\n" + itemLine(id: "B-2") + "\n" + itemLine(id: "A-1") + "\n",
              "{\"schema_version\":1}\r\n" + itemLine(id: "A-1") + "\r\n" + itemLine(id: "B-2") + "\r\n",
              "{\"schema_version\":1}\n" + itemLine(id: "A-1") + "\n\n" + itemLine(id: "B-2") + "\n",
              "{ \"schema_version\": 1 }\n" + itemLine(id: "A-1") + "\n" + itemLine(id: "B-2") + "\n",
              "{\"schema_version\":1}\n" + itemLine(id: "A-1") + "\n" + itemLine(id: "B-2", extra: ",\"parent\":null") + "\n",
              "{\"schema_version\":1}\n" + itemLine(id: "A-1") + "\n" + itemLine(id: "B-2"),
              "{\"schema_version\":1}\n" + itemLine(id: "A-1").replacingOccurrences(of: "\"A-1\"", with: "\"A\\u002d1\"") + "\n"
                  + itemLine(id: "B-2") + "\n",
          ])
    func normalizedFiles(_ text: String) throws {
        let scratch = try TemporaryStore()
        try scratch.write(scratch.activePath, text)
        #expect(try SingleLineEdit.locate("B-2", in: utf8(text), path: scratch.activePath) == nil, "the full path must be taken")
        try scratch.store.editItem("B-2", { Self.retitle(&$0) }, then: {})
        #expect(try scratch.read(scratch.activePath) == (try Self.fullRewrite(utf8(text), id: "B-2", Self.retitle)))
    }

    @Test("A malformed line anywhere fails the edit with its line number and writes nothing", arguments: [2, 3, 4])
    func malformedLine(badLine: Int) throws {
        var lines = ["{\"schema_version\":1}", itemLine(id: "A-1"), itemLine(id: "B-2"), itemLine(id: "C-3")]
        lines[badLine - 1] = itemLine(id: "X-\(badLine)").replacingOccurrences(of: "\"priority\":0", with: "\"priority\":\"high\"")
        let text = lines.joined(separator: "\n") + "\n"
        let scratch = try TemporaryStore()
        try scratch.write(scratch.activePath, text)
        var changed = false
        #expect {
            try scratch.store.editItem("B-2", { changed = true; Self.retitle(&$0) }, then: {})
        } throws: { error in
            "\(error)".contains("Malformed item on line \(badLine) of \(scratch.activePath): priority: expected an integer")
        }
        #expect(!changed)
        #expect(try scratch.read(scratch.activePath) == utf8(text))
    }

    @Test("An unknown id is ItemNotFound, and a change that throws writes nothing")
    func notFoundAndThrowingChange() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let before = try scratch.read(scratch.activePath)
        #expect(throws: StoreError.itemNotFound("NOPE-1")) {
            try scratch.store.editItem("NOPE-1", { Self.retitle(&$0) }, then: {})
        }
        struct Refused: Error {}
        let id = try #require(try scratch.store.loadActive().items.first?.id)
        #expect(throws: Refused.self) {
            try scratch.store.editItem(id, { item throws in Self.retitle(&item); throw Refused() }, then: {})
        }
        #expect(try scratch.read(scratch.activePath) == before)
    }
}
