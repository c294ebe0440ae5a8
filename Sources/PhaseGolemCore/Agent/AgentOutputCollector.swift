#if canImport(Glibc)
import Glibc
#endif

/// Splits an agent's stdout and stderr bytes into lines for the log file and the event
/// callback, in bounded memory.
///
/// Log file format: stdout lines verbatim, stderr lines prefixed `[stderr] `, each ended by a
/// newline (a final line without one gets one). The log receives every byte the agent wrote,
/// including invalid UTF-8 and control sequences. The callback receives text: invalid UTF-8
/// replaced by U+FFFD, a trailing `\r` dropped, and a line longer than `maxLineBytes` cut to
/// that length with a marker saying how long it was. Its bytes beyond the cut are streamed to
/// the log as they arrive, never held, so memory stays bounded however much an agent prints.
/// Escape sequences and other control characters reach the callback unchanged: only the
/// consumer knows whether it draws on a terminal, so neutralizing them is its job.
///
/// Used by one thread at a time; not thread-safe.
final class AgentOutputCollector {
    struct Limits {
        /// Longest line kept whole for the callback.
        var maxLineBytes = 64 * 1024
        /// A batch is delivered when its oldest line is this old…
        var batchInterval: Duration = .milliseconds(50)
        /// …or when it holds this many lines…
        var batchLines = 500
        /// …or this many bytes of text.
        var batchBytes = 1024 * 1024
    }

    /// The line being assembled for one stream.
    private struct LineState {
        /// Bytes not yet written to the log; for an overlong line, the head kept for the callback.
        var pending: [UInt8] = []
        /// The line outgrew `maxLineBytes`: its bytes so far are already in the log.
        var overflowed = false
        var totalBytes = 0
    }

    private let limits: Limits
    private let log: BufferedFileWriter?
    private let onEvent: @Sendable (AgentEvent) -> Void
    private var stdoutLine = LineState()
    private var stderrLine = LineState()
    private var batch: [AgentOutputLine] = []
    private var batchBytes = 0
    private var batchStarted: ContinuousClock.Instant?
    private static let stderrPrefix = Array("[stderr] ".utf8)

    init(log: BufferedFileWriter?, limits: Limits = Limits(),
         onEvent: @escaping @Sendable (AgentEvent) -> Void) {
        self.log = log
        self.limits = limits
        self.onEvent = onEvent
    }

    /// Takes bytes read from one stream.
    func consume(_ chunk: UnsafeRawBufferPointer, from stream: AgentOutputLine.Stream) {
        var index = 0
        while index < chunk.count {
            let rest = UnsafeRawBufferPointer(rebasing: chunk[index...])
            guard let base = rest.baseAddress else { return }
            if let newline = memchr(base, 0x0A, rest.count) {
                let length = UnsafeRawPointer(newline) - base
                appendToLine(UnsafeRawBufferPointer(start: base, count: length), stream)
                endLine(stream)
                index += length + 1
            } else {
                appendToLine(rest, stream)
                index = chunk.count
            }
        }
    }

    /// The stream reached end of file: a last line without a newline still counts.
    func endOfStream(_ stream: AgentOutputLine.Stream) {
        let state = stream == .stdout ? stdoutLine : stderrLine
        if !state.pending.isEmpty || state.overflowed { endLine(stream) }
    }

    /// When the pending batch must be delivered, if there is one.
    var flushDeadline: ContinuousClock.Instant? {
        batchStarted.map { $0 + limits.batchInterval }
    }

    func flushIfDue(now: ContinuousClock.Instant = .now) {
        if let deadline = flushDeadline, now >= deadline { flush() }
    }

    /// Delivers the pending lines and pushes buffered log bytes out.
    func flush() {
        log?.flush()
        guard !batch.isEmpty else { return }
        let lines = batch
        batch.removeAll(keepingCapacity: true)
        batchBytes = 0
        batchStarted = nil
        onEvent(.output(lines))
    }

    /// Ends both streams, delivers everything and closes the log; returns the log's write error, if any.
    func finish() -> String? {
        endOfStream(.stdout)
        endOfStream(.stderr)
        flush()
        log?.close()
        return log?.failure
    }

    private func appendToLine(_ segment: UnsafeRawBufferPointer, _ stream: AgentOutputLine.Stream) {
        guard !segment.isEmpty else { return }
        withLine(stream) { state in
            state.totalBytes += segment.count
            if state.overflowed {
                log?.append(segment)
            } else if state.pending.count + segment.count <= limits.maxLineBytes {
                state.pending.append(contentsOf: segment)
            } else {
                // From here on the line streams straight through; only its head stays for the callback.
                writeLineStart(stream)
                log?.append(state.pending)
                log?.append(segment)
                let keep = limits.maxLineBytes - state.pending.count
                state.pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: segment[..<keep]))
                state.overflowed = true
            }
        }
    }

    private func endLine(_ stream: AgentOutputLine.Stream) {
        let line: AgentOutputLine = withLine(stream) { state in
            // Reset, keeping the buffer: this runs for every line an agent prints.
            defer {
                state.pending.removeAll(keepingCapacity: true)
                state.overflowed = false
                state.totalBytes = 0
            }
            if state.overflowed {
                log?.append(byte: 0x0A)
                let head = Self.trimmingIncompleteUTF8(state.pending)
                return AgentOutputLine(stream: stream,
                                       text: String(decoding: head, as: UTF8.self)
                                           + AgentOutputLine.truncationMarker(bytes: state.totalBytes),
                                       truncatedFromBytes: state.totalBytes)
            }
            // A whole line goes to the log in one piece: the journal can point at it (an
            // overlong one is interleaved with the other stream's lines, so it cannot).
            let offset = log?.position
            writeLineStart(stream)
            log?.append(state.pending)
            log?.append(byte: 0x0A)
            var body = state.pending[...]
            if body.last == 0x0D { body = body.dropLast() }
            return AgentOutputLine(stream: stream, text: String(decoding: body, as: UTF8.self), logOffset: offset,
                                   logBytes: offset.map { (log?.position ?? $0) - $0 })
        }
        emit(line)
    }

    private func writeLineStart(_ stream: AgentOutputLine.Stream) {
        if stream == .stderr { log?.append(Self.stderrPrefix) }
    }

    private func withLine<R>(_ stream: AgentOutputLine.Stream, _ body: (inout LineState) -> R) -> R {
        stream == .stdout ? body(&stdoutLine) : body(&stderrLine)
    }

    private func emit(_ line: AgentOutputLine) {
        if batchStarted == nil { batchStarted = .now }
        batch.append(line)
        batchBytes += line.text.utf8.count
        if batch.count >= limits.batchLines || batchBytes >= limits.batchBytes { flush() }
    }

    /// The text the callback gets for a log line (without its newline) of `totalBytes` bytes
    /// whose first bytes are `head`: what the journal's reader rebuilds from the log.
    static func callbackText(head: [UInt8], totalBytes: Int, maxLineBytes: Int = Limits().maxLineBytes) -> String {
        if totalBytes > maxLineBytes {
            let kept = trimmingIncompleteUTF8(Array(head.prefix(maxLineBytes)))
            return String(decoding: kept, as: UTF8.self) + AgentOutputLine.truncationMarker(bytes: totalBytes)
        }
        var body = head[...]
        if body.last == 0x0D { body = body.dropLast() }
        return String(decoding: body, as: UTF8.self)
    }

    /// `bytes` without a multi-byte sequence cut off at its end, so a truncated line does not
    /// end in a replacement character that the agent never wrote.
    static func trimmingIncompleteUTF8(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var start = bytes.count
        while start > 0, bytes.count - start < 4 {
            start -= 1
            let byte = bytes[start]
            if byte & 0xC0 == 0x80 { continue }
            let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return bytes.count - start < needed ? bytes[..<start] : bytes[...]
        }
        return bytes[...]
    }
}
