import Foundation
import Testing
@testable import PhaseGolemCore

/// `StoreFileFormat.forEachItemLine`, the reused-buffer reader behind `status`: whatever the
/// chunk size, it yields the lines (and line numbers) a whole-file parse sees.
@Suite("Store line stream")
struct StoreLineStreamTests {
    /// The items a streamed read yields, with their line numbers.
    static func streamed(_ path: String, chunkSize: Int) throws -> [(line: Int, item: StoreItem)] {
        var result: [(line: Int, item: StoreItem)] = []
        try StoreFileFormat.forEachItemLine(path: path, chunkSize: chunkSize) { (line, number) throws(StoreError) in
            result.append((number, try StoreFileFormat.parseItem(line, lineNumber: number, path: path)))
        }
        return result
    }

    static let handBuilt = [
        "{\"schema_version\":1}\r\n" + itemLine(id: "A-1") + "\r\n\r\n" + itemLine(id: "B-2", title: String(repeating: "long ", count: 80)) + "\r\n",
        "{\"schema_version\":1}\n\n   \n" + itemLine(id: "A-1") + "\n" + itemLine(id: "B-2"),
        "{\"schema_version\":1}\n",
        "{\"schema_version\":1}",
    ]

    @Test("Fixtures and odd files stream the same items as a whole-file parse, at any chunk size",
          arguments: [16, 97, 4096, 1 << 20])
    func sameAsWholeFile(chunkSize: Int) throws {
        let directory = try TemporaryDirectory()
        var files: [(String, [UInt8])] = try Fixtures.activeFiles.map { ($0, try Fixtures.bytes($0)) }
        files += Self.handBuilt.enumerated().map { ("hand-built \($0.offset)", utf8($0.element)) }
        for (name, bytes) in files {
            let path = directory.file("tasks.jsonl")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let whole = try StoreFileFormat.parse(bytes, path: path, strict: true).items
            let streamed = try Self.streamed(path, chunkSize: chunkSize)
            #expect(streamed.map(\.item) == whole, "\(name) at chunk size \(chunkSize)")
            #expect(streamed.map { $0.item.sourceLine.map(Array.init) } == whole.map { $0.sourceLine.map(Array.init) })
        }
    }

    @Test("A bad line is reported with its number; a bad header before any line", arguments: [16, 1 << 20])
    func errorsCarryLineNumbers(chunkSize: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("tasks.jsonl")
        let text = "{\"schema_version\":1}\n" + itemLine(id: "A-1") + "\n\n" + "{\"id\":}\n"
        try Data(utf8(text)).write(to: URL(fileURLWithPath: path))
        #expect {
            try Self.streamed(path, chunkSize: chunkSize)
        } throws: { error in
            "\(error)".contains("Malformed item on line 4 of \(path): ")
        }
        try Data(utf8("{\"schema_version\":2}\n" + itemLine(id: "A-1") + "\n")).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.unsupportedSchema(version: "2", path: path)) {
            try Self.streamed(path, chunkSize: chunkSize)
        }
    }

    @Test("A missing file is reported as missing, not as empty")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        #expect(try StoreFileFormat.forEachItemLine(path: directory.file("none.jsonl")) { _, _ throws(StoreError) in } == false)
    }
}
