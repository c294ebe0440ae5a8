import Foundation
import Testing
@testable import PhaseGolemCore

/// The parse cache a run keeps (`update(cache:)`, `loadActive(cache:)`) never hides another
/// writer's change, even one whose file looks like the cached one by every stamp field.
@Suite("TaskStore cache")
struct TaskStoreCacheTests {
    /// Replaces `tasks.jsonl` as another store writer would (temp file beside it, fsync, rename),
    /// optionally back-dating the new file's mtime; returns the new file's inode.
    static func replace(_ scratch: TemporaryStore, with text: String, mtime: timespec? = nil) throws -> UInt64 {
        var template = Array((scratch.store.directory + "/.tmpXXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw Fixtures.Missing(description: "mkstemp failed in \(scratch.store.directory)") }
        let tempPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        if let mtime {
            // A coarse clock would give the same time; here it is forced, after the write.
            let times = [mtime, mtime]
            #expect(futimens(fd, times) == 0)
        }
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        #expect(fsync(fd) == 0)
        close(fd)
        #expect(rename(tempPath, scratch.activePath) == 0)
        return UInt64(info.st_ino)
    }

    /// Rounds per test: inode reuse is likely, not certain, so one round could miss a stale cache.
    static let rounds = 20

    @Test("a foreign rewrite with the cached file's size and mtime, often on its freed inode, is not lost")
    func lookalikeRewrite() throws {
        var reused = 0
        var stale = 0
        for round in 0..<Self.rounds {
            let scratch = try TemporaryStore()
            let header = "{\"schema_version\":1}\n"
            try scratch.write(scratch.activePath, header)
            var cache: CachedContents?
            try scratch.store.update(cache: &cache) { transaction in
                transaction.items.append(StoreItem(id: "WRK-00001", title: "bbbb", now: fixedNow))
            }
            var cached = stat()
            #expect(stat(scratch.activePath, &cached) == 0)
            let written = String(decoding: try scratch.read(scratch.activePath), as: UTF8.self)
            // One writer replaces the file, freeing the cached version's inode (unless it is
            // held); the next writes as many bytes with the same mtime. ext4 usually gives that
            // second file the freed inode: then every stamp field matches the cache.
            _ = try Self.replace(scratch, with: header)
            let inode = try Self.replace(scratch, with: written.replacingOccurrences(of: "\"bbbb\"", with: "\"cccc\""),
                                         mtime: cached.st_mtim)
            if inode == UInt64(cached.st_ino) { reused += 1 }
            let seen = try scratch.store.update(cache: &cache) { transaction in
                try transaction.modify("WRK-00001") { item -> String in
                    item.description = "changed by the run"
                    return item.title
                }
            }
            if seen != "cccc" { stale += 1 }
            #expect(seen == "cccc", "round \(round): the run read a stale cache")
            // The run's write kept the other writer's title.
            let item = try #require(try scratch.store.loadActive().items.first)
            #expect(item.title == "cccc" && item.description == "changed by the run", "round \(round): \(item.title)")
        }
        print("store-cache-lookalike: \(Self.rounds) rounds, \(reused) on a reused inode, \(stale) stale reads")
    }

    @Test("loadActive(cache:) sees a lookalike rewrite too")
    func lookalikeRewriteUnlocked() throws {
        for round in 0..<Self.rounds {
            let scratch = try TemporaryStore()
            let header = "{\"schema_version\":1}\n"
            let line = itemLine(id: "WRK-00001", title: "bbbb") + "\n"
            try scratch.write(scratch.activePath, header + line)
            var cache: CachedContents?
            #expect(try scratch.store.loadActive(cache: &cache).items.first?.title == "bbbb")
            var cached = stat()
            #expect(stat(scratch.activePath, &cached) == 0)
            _ = try Self.replace(scratch, with: header)
            _ = try Self.replace(scratch, with: header + line.replacingOccurrences(of: "\"bbbb\"", with: "\"cccc\""),
                                 mtime: cached.st_mtim)
            #expect(try scratch.store.loadActive(cache: &cache).items.first?.title == "cccc", "round \(round)")
            // Unchanged since: the cached parse comes back, still right.
            #expect(try scratch.store.loadActive(cache: &cache).items.first?.title == "cccc", "round \(round)")
        }
    }
}
