import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A fault-injection seam for `FileIO` writes, designed in for tests: a disk that fills up.
///
/// A full disk or a failing device cannot be produced on demand in a unit test, yet the store's
/// promise (a failed write leaves the previous store intact) rests on how every write path
/// handles one. While a plan is active, writes to files under its directory see a disk with
/// `bytesFree` bytes left: the write that reaches the limit is cut short, as the kernel does,
/// and every later one fails with the plan's errno. Files elsewhere are untouched, so tests
/// running in parallel in other directories are not affected. With no plan active the cost is
/// one atomic load per `write`.
public enum WriteFaults {
    /// Which writes fail, and how.
    public struct Plan: Sendable {
        /// Only writes to paths under this directory are affected.
        public var directory: String
        /// How many more bytes the "disk" takes before writes fail.
        public var bytesFree: Int
        /// What the failing writes report: `ENOSPC`, `EIO`, `EDQUOT`…
        public var errno: Int32

        public init(directory: String, bytesFree: Int, errno: Int32 = ENOSPC) {
            self.directory = directory.hasSuffix("/") ? directory : directory + "/"
            self.bytesFree = max(bytesFree, 0)
            self.errno = errno
        }
    }

    private struct State: Sendable {
        var plan: Plan
        var remaining: Int
        var failures = 0
    }

    private enum Decision {
        case pass
        case limit(Int)
        case fail(Int32)
    }

    private static let activeCount = Atomic<Int>(0)
    private static let nextToken = Atomic<Int>(0)
    private static let states = Locked<[Int: State]>([:])

    /// Runs `body` with `plan` active; returns its result and how many writes the plan failed.
    public static func run<T>(_ plan: Plan, _ body: () throws -> T) rethrows -> (result: T, failedWrites: Int) {
        let token = nextToken.wrappingAdd(1, ordering: .relaxed).newValue
        states.withLock { $0[token] = State(plan: plan, remaining: plan.bytesFree) }
        activeCount.wrappingAdd(1, ordering: .releasing)
        defer { activeCount.wrappingSubtract(1, ordering: .releasing) }
        let result: T
        do {
            result = try body()
        } catch {
            states.withLock { $0[token] = nil }
            throw error
        }
        let failures = states.withLock { $0.removeValue(forKey: token)?.failures ?? 0 }
        return (result, failures)
    }

    /// `write(2)` as `FileIO` calls it, subject to any active plan covering `path`.
    static func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int, path: String) -> Int {
        guard activeCount.load(ordering: .acquiring) > 0 else { return systemWrite(fd, buffer, count) }
        let decision = states.withLock { states -> Decision in
            guard let (token, state) = states.first(where: { path.hasPrefix($0.value.plan.directory) }) else { return .pass }
            var updated = state
            defer { states[token] = updated }
            if updated.remaining == 0 {
                updated.failures += 1
                return .fail(state.plan.errno)
            }
            let allowed = min(count, updated.remaining)
            updated.remaining -= allowed
            return .limit(allowed)
        }
        switch decision {
        case .pass:
            return systemWrite(fd, buffer, count)
        case .limit(let allowed):
            return systemWrite(fd, buffer, allowed)
        case .fail(let code):
            errno = code
            return -1
        }
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        Glibc.write(fd, buffer, count)
    }
}
