import Foundation
import Testing
@testable import PhaseGolemCore

/// `tasks.lock` is a BSD flock shared with other processes (docs/store-format.md#concurrent-writers).
@Suite("Store lock")
struct StoreLockTests {
    static let shortPolicy = StoreLock.Policy(timeoutSeconds: 0.5, initialDelaySeconds: 0.01, maxDelaySeconds: 0.1)

    /// Whether some other open file description holds an exclusive flock on `path`.
    static func isHeldElsewhere(_ path: String) -> Bool {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Starts a process that takes the flock with util-linux `flock(1)` and then holds it for 3 s,
    /// and waits (at most 2 s) until it does. The shell opens the file, `flock -x 9` locks that
    /// open file description, and the shell becomes `sleep`: one process, no orphan left behind.
    static func holdLock(_ path: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec 9>>\"$1\" && /usr/bin/flock -x 9 && exec sleep 3", "sh", path]
        try process.run()
        let deadline = Date().addingTimeInterval(2)
        while !isHeldElsewhere(path) {
            guard Date() < deadline, process.isRunning else {
                release(process)
                throw Fixtures.Missing(description: "flock(1) did not take \(path)")
            }
            usleep(10_000)
        }
        return process
    }

    /// Ends the holder and reaps it; its open file description, and so the lock, goes with it.
    static func release(_ process: Process) {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    @Test("An update waits for a lock held by another process, then times out without writing")
    func lockTimeoutFromAnotherProcess() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore, lockPolicy: Self.shortPolicy)
        let bytes = try scratch.read(scratch.activePath)
        let holder = try Self.holdLock(scratch.store.lockPath)
        defer { Self.release(holder) }

        let started = Date()
        var bodyRan = false
        let error = try #require(throws: StoreError.self) {
            try scratch.store.update { transaction in
                bodyRan = true
                try transaction.modify("tg-17988") { $0.title = "must not be written" }
            }
        }
        let waited = Date().timeIntervalSince(started)
        #expect(error == .lockTimeout(lockPath: scratch.store.lockPath, seconds: 0.5))
        #expect(error.description.contains(scratch.store.lockPath))
        #expect(error.description.hasPrefix("Lock timeout after 0.5s"))
        #expect(error.isRetryable)
        #expect(!bodyRan)
        #expect(waited >= 0.5)
        #expect(waited < 2.5)
        #expect(try scratch.read(scratch.activePath) == bytes)

        // Once the other process lets go, the same update goes through.
        Self.release(holder)
        try scratch.store.update { try $0.modify("tg-17988") { $0.title = "now written" } }
        #expect(try scratch.store.loadActive().items.first { $0.id == "tg-17988" }?.title == "now written")
    }

    @Test("StoreLock excludes other open file descriptions and releases on scope exit")
    func lockIsExclusiveAndReleased() throws {
        let directory = try TemporaryDirectory("pg-lock")
        let path = directory.file("tasks.lock")
        do {
            let lock = try StoreLock(path: path, policy: Self.shortPolicy)
            #expect(Self.isHeldElsewhere(path))
            #expect(throws: StoreError.lockTimeout(lockPath: path, seconds: 0.5)) {
                _ = try StoreLock(path: path, policy: Self.shortPolicy)
            }
            withExtendedLifetime(lock) {}
        }
        #expect(!Self.isHeldElsewhere(path))
        // The lock file is created empty and never written.
        #expect(try FileIO.read(path) == [])
    }

    @Test("The lock is held while the update body runs")
    func heldDuringBody() throws {
        let scratch = try TemporaryStore(copying: Fixtures.phaseGolemStore)
        let held = try scratch.store.update { _ in Self.isHeldElsewhere(scratch.store.lockPath) }
        #expect(held)
        #expect(!Self.isHeldElsewhere(scratch.store.lockPath))
    }

    @Test("Lock timeout: the original's line (whole seconds without a fraction), then the holder on a hint line")
    func timeoutMessage() {
        #expect(StoreError.lockTimeout(lockPath: "/r/.task-golem/tasks.lock", seconds: 5).description
            == "Lock timeout after 5s\nhint: another process holds /r/.task-golem/tasks.lock; "
            + "wait for it to finish and retry (find it with `fuser /r/.task-golem/tasks.lock`)")
    }
}
