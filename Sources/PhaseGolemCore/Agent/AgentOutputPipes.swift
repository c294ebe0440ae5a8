#if canImport(Glibc)
import Glibc
#endif

/// The read ends of an agent's stdout and stderr, polled together so neither can fill up
/// and stall the agent while the other is being waited on.
struct AgentOutputPipes {
    private var fds: [(fd: Int32, stream: AgentOutputLine.Stream, open: Bool)]
    /// One reusable read buffer: memory does not grow with the amount of output.
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// Readable once the agent has exited (a pidfd), or -1: lets one poll wake on exit too,
    /// instead of sleeping in slices until the exit is noticed.
    private let exitFD: Int32

    init(stdoutFD: Int32, stderrFD: Int32, exitFD: Int32 = -1) {
        fds = [(stdoutFD, .stdout, true), (stderrFD, .stderr, true)]
        self.exitFD = exitFD
    }

    var anyOpen: Bool { fds.contains { $0.open } }
    /// When the agent last printed anything (or when the pipes were set up): the idle limit's clock.
    private(set) var lastOutputAt = ContinuousClock.now

    /// Waits up to `wait` for output and reads what is ready, at most one buffer per stream.
    ///
    /// Returns whether anything was ready. With both pipes at end of file it just sleeps,
    /// so callers can use it as their loop's only wait.
    @discardableResult
    mutating func pump(into collector: AgentOutputCollector, waitingAtMost wait: Duration, watchExit: Bool = true) -> Bool {
        let openIndices = fds.indices.filter { fds[$0].open }
        let exitFD = watchExit ? self.exitFD : -1
        guard !openIndices.isEmpty || exitFD >= 0 else {
            MonotonicClock.sleep(wait)
            return false
        }
        var entries = openIndices.map { pollfd(fd: fds[$0].fd, events: Int16(POLLIN), revents: 0) }
        if exitFD >= 0 { entries.append(pollfd(fd: exitFD, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&entries, nfds_t(entries.count), Self.milliseconds(wait))
        guard ready > 0 else { return false }
        for (slot, entry) in entries.enumerated() where entry.revents != 0 && slot < openIndices.count {
            read(fdAt: openIndices[slot], into: collector)
        }
        return true
    }

    /// Reads whatever is still buffered after the agent exited, for at most `limit`.
    ///
    /// Stops at end of file, or when nothing arrives for a moment: a background process the
    /// agent left behind may hold the pipes open indefinitely, and must not hold up the result.
    mutating func drain(into collector: AgentOutputCollector, for limit: Duration) {
        let end = ContinuousClock.now + limit
        while anyOpen, ContinuousClock.now < end {
            guard pump(into: collector, waitingAtMost: .milliseconds(10), watchExit: false) else { return }
            collector.flushIfDue()
        }
    }

    private mutating func read(fdAt index: Int, into collector: AgentOutputCollector) {
        let (fd, stream, _) = fds[index]
        let got = buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, raw.count) }
        if got > 0 {
            lastOutputAt = ContinuousClock.now
            buffer.withUnsafeBytes { raw in
                collector.consume(UnsafeRawBufferPointer(rebasing: raw[..<got]), from: stream)
            }
        } else if got == 0 || (errno != EINTR && errno != EAGAIN) {
            fds[index].open = false
            collector.endOfStream(stream)
        }
    }

    /// `wait` in whole milliseconds for `poll(2)`, rounded up so a short wait is not a busy loop.
    static func milliseconds(_ wait: Duration) -> Int32 {
        let (seconds, attoseconds) = wait.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: millis)
    }
}
