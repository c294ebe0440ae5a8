import Foundation
import Testing

/// Why the CLI tests take turns: they are synchronous and block the thread they run on while
/// the binary, git or an agent works (seconds, up to minutes for the fresh-clone build and the
/// 1 GiB cases). Swift Testing runs them on the cooperative pool, which has one thread per
/// core; two of them at once on a 2-core CI machine left no thread for the asynchronous tests
/// beside them, which then waited minutes and failed their deadlines (seen in CI: a 60 s wait
/// for an agent to register, a publisher task that never started). With this trait on every
/// CLI suite, at most `cores - 1` CLI tests run at once and one pool thread stays free.
struct ProcessTestSlot: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    /// One scope per test function (and per case of a parameterized one), never around a suite.
    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? nil : self
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // Reentrant: a test asked for both its function and its case holds one slot, not two.
        if Self.held {
            try await function()
            return
        }
        await Self.slots.acquire()
        do {
            try await Self.$held.withValue(true) { try await function() }
        } catch {
            await Self.slots.release()
            throw error
        }
        await Self.slots.release()
    }

    @TaskLocal static var held = false
    static let slots = AsyncSlots(max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
}

extension Trait where Self == ProcessTestSlot {
    /// Runs the test in one of the CLI tests' slots (see `ProcessTestSlot`).
    static var processSlot: Self { Self() }
}

/// A counting semaphore for tasks: waiting suspends, it never blocks a thread.
actor AsyncSlots {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
