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
    /// Whether this filesystem hands a freed inode to the next file created beside it (ext4
    /// does, most of the time; tmpfs never does): the hazard the cache's pin guards against.
    /// Probed as the test's rounds replace the file, with nothing holding the first version: a
    /// file replaced by rename twice, the second replacement landing on the first one's inode.
    static let freedInodesAreReused: Bool = {
        guard let directory = try? TemporaryDirectory("pg-inode-probe") else { return false }
        let path = directory.file("tasks.jsonl")
        func replace(_ text: String) -> UInt64? {
            let temp = directory.file(".tmp-probe")
            guard FileManager.default.createFile(atPath: temp, contents: Data(text.utf8)) else { return nil }
            var info = stat()
            guard stat(temp, &info) == 0, rename(temp, path) == 0 else { return nil }
            return UInt64(info.st_ino)
        }
        for _ in 0..<20 {
            guard let first = replace("first"), replace("header") != nil, let third = replace("lookalike") else { return false }
            if third == first { return true }
        }
        return false
    }()

    /// Without the cache's pin, each round's other writer would usually land on the cached
    /// file's freed inode: size, mtime and inode would all match the cache. Where freed inodes are not
    /// reused the round would test only size and mtime, so the test does not run there.
    @Test("a foreign rewrite with the cached file's size and mtime, often on its freed inode, is not lost",
          .enabled(if: freedInodesAreReused, "this filesystem reused no freed inode in 20 tries: the lookalike cannot be built here"))
    func lookalikeRewrite() throws {
        var reused = 0
        var stale = 0
        var lost = 0
        for round in 0..<Self.rounds {
            let scratch = try TemporaryStore()
            let header = "{\"schema_version\":1}\n"
            try scratch.write(scratch.activePath, header)
            var cache: CachedContents?
            try scratch.store.update(cache: &cache) { transaction in
                transaction.items.append(StoreItem(id: "WRK-00001", title: "bbbb", now: fixedNow))
            }
            var cached = stat()
            try #require(stat(scratch.activePath, &cached) == 0)
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
            let kept = item.title == "cccc" && item.description == "changed by the run"
            if !kept { lost += 1 }
            #expect(kept, "round \(round): \(item.title)")
        }
        if stale == 0 && lost == 0 { print("store-cache-lookalike: \(Self.rounds) rounds, \(reused) on a reused inode, \(stale) stale reads") }
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
