import Foundation
import Testing
@testable import PhaseGolemCore

/// What `demo --no-keep` may delete: only what the demo created, never through a link.
@Suite("DemoFolder")
struct DemoFolderTests {
    @Test("a new nested --dir is the demo's down from its first missing parent")
    func created() throws {
        let scratch = try TemporaryDirectory()
        let folder = DemoFolder.survey(scratch.file("a/b/demo"))
        #expect(folder.ownership == .created)
        #expect(folder.outermostCreated == scratch.file("a"))
        try FileManager.default.createDirectory(atPath: scratch.file("a/b/demo/.git"), withIntermediateDirectories: true)
        #expect(try folder.removeDemoFiles() == .removed)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test("an existing empty folder is emptied and kept; one with files, a file or a dangling link is left alone")
    func existing() throws {
        let scratch = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("empty"), withIntermediateDirectories: false)
        let empty = DemoFolder.survey(scratch.file("empty"))
        #expect(empty.ownership == .existedEmpty)
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.file("empty/made-by-demo")))
        #expect(try empty.removeDemoFiles() == .emptied)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("empty")).isEmpty)

        try FileManager.default.createDirectory(atPath: scratch.file("full"), withIntermediateDirectories: false)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: scratch.file("full/notes")))
        try Data("mine".utf8).write(to: URL(fileURLWithPath: scratch.file("file")))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("dangling"), withDestinationPath: scratch.file("nowhere"))
        for name in ["full", "file", "dangling"] {
            let folder = DemoFolder.survey(scratch.file(name))
            #expect(folder.ownership == .existedWithFiles, "\(name)")
            #expect(try folder.removeDemoFiles() == .keptPreexisting)
        }
        #expect(FileManager.default.fileExists(atPath: scratch.file("full/notes")))
        #expect(FileManager.default.fileExists(atPath: scratch.file("file")))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: scratch.file("dangling"))) != nil)
    }

    @Test("removeTree deletes a link inside the tree, not what it points to")
    func linksNotFollowed() throws {
        let scratch = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: scratch.file("outside"), withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: scratch.file("outside/precious")))
        try FileManager.default.createDirectory(atPath: scratch.file("tree/sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("tree/sub/link"), withDestinationPath: scratch.file("outside"))
        try FileIO.removeTree(scratch.file("tree"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("tree")))
        #expect(FileManager.default.fileExists(atPath: scratch.file("outside/precious")))
    }
}
