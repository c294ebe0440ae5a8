import CSystemShims
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// "A graceful shutdown was requested", and later perhaps "forced": set once by a signal or the
/// TUI, read by everything that must stop.
///
/// Atomics rather than a lock, so that setting them is safe from any context. Each state also
/// has a pipe that becomes readable when it is set and stays so: a thread waiting in `poll` on
/// a child process (git) sees the request at once, without waking up to look.
public final class ShutdownFlag: Sendable {
    private let requested = Atomic<Bool>(false)
    private let forced = Atomic<Bool>(false)
    private let requestedPipe = WakePipe()
    private let forcedPipe = WakePipe()

    public init() {}

    /// Whether shutdown has been requested (forcing requests it too).
    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Whether the operator forced the stop (a second Ctrl-C): nothing may wait any more.
    public var isForced: Bool { forced.load(ordering: .acquiring) }

    /// Requests shutdown; repeated requests are harmless.
    public func request() {
        requested.store(true, ordering: .releasing)
        requestedPipe.raise()
    }

    /// Forces the stop: running git commands are killed and later ones refused.
    public func force() {
        request()
        forced.store(true, ordering: .releasing)
        forcedPipe.raise()
    }

    /// Readable once shutdown is requested (-1 if the pipe could not be made).
    var requestedFD: Int32 { requestedPipe.readFD }
    /// Readable once the stop is forced (-1 if the pipe could not be made).
    var forcedFD: Int32 { forcedPipe.readFD }
}

/// A pipe whose read end turns readable, for good, when raised.
private final class WakePipe: Sendable {
    let readFD: Int32
    private let writeFD: Int32
    private let raised = Atomic<Bool>(false)

    init() {
        var fds: [Int32] = [-1, -1]
        if pg_pipe_cloexec(&fds) == 0 {
            (readFD, writeFD) = (fds[0], fds[1])
        } else {
            // Without the pipe a wait still ends at its deadline, only later.
            (readFD, writeFD) = (-1, -1)
        }
    }

    func raise() {
        guard writeFD >= 0, !raised.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    deinit {
        if readFD >= 0 { close(readFD) }
        if writeFD >= 0 { close(writeFD) }
    }
}
