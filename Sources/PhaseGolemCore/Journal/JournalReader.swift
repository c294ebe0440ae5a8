#if canImport(Glibc)
import Glibc
#endif

/// Reads a journal as it grows: each `poll` returns the records of the complete lines added
/// since the last one. A line still being written (no newline yet, or cut off by a kill -9)
/// waits; lines that do not decode are counted and skipped, never fatal.
public final class JournalReader {
    public let path: String
    private var fd: Int32 = -1
    private var offset: Int64 = 0
    private var partial: [UInt8] = []
    /// Lines skipped because they did not decode.
    public private(set) var badLines = 0
    /// Bytes after the last newline: a line cut short, if the writer is gone.
    public var trailingBytes: Int { partial.count }

    public init(path: String) {
        self.path = path
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// The records of the complete lines written since the last call (at most about `maxBytes` read).
    public func poll(maxBytes: Int = 4 * 1024 * 1024) -> [TimedRecord] {
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { return [] }
        }
        var records: [TimedRecord] = []
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var total = 0
        while total < maxBytes {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count <= 0 { break }
            offset += Int64(count)
            total += count
            var start = 0
            for index in 0..<count where buffer[index] == 0x0A {
                let line: ArraySlice<UInt8>
                if partial.isEmpty {
                    line = buffer[start..<index]
                } else {
                    partial.append(contentsOf: buffer[start..<index])
                    line = partial[...]
                }
                if !line.isEmpty {
                    if let record = try? JournalRecord.decode(line) { records.append(record) } else { badLines += 1 }
                }
                partial.removeAll(keepingCapacity: true)
                start = index + 1
            }
            partial.append(contentsOf: buffer[start..<count])
        }
        return records
    }
}

/// Turns output records back into the lines the run's own subscribers saw, reading the
/// referenced byte ranges of the attempt logs.
public struct AgentLogResolver: Sendable {
    public let logDirectory: String

    public init(root: String, runID: String) {
        logDirectory = FileIO.join(FileIO.join(RuntimeLock.directory(root: root), "logs"), runID)
    }

    /// The event for an output record; lines the log no longer holds (pruned, unreadable) are
    /// replaced by one line saying so.
    public func event(itemID: String, phase: String, source: JournalRecord.OutputSource) -> SchedulerEvent {
        switch source {
        case .inline(let lines):
            return .agentOutput(itemID: itemID, phase: phase, lines: lines)
        case .log(let file, let from, let to, let count, let stderrLines):
            let path = FileIO.join(logDirectory, file)
            guard let raw = Self.readLines(path: path, from: from, to: to), raw.count == count else {
                return .agentOutput(itemID: itemID, phase: phase, lines: [
                    AgentOutputLine(stream: .stdout, text: "[\(count) agent output lines could not be read from \(path)]")])
            }
            let stderr = Set(stderrLines)
            let prefix = Array("[stderr] ".utf8)
            let lines = raw.indices.map { index -> AgentOutputLine in
                var (head, bytes) = raw[index]
                // The log marks stderr lines; the collector's text and its length limit do not count the mark.
                guard stderr.contains(index), head.starts(with: prefix) else {
                    return AgentOutputLine(stream: .stdout, text: AgentOutputCollector.callbackText(head: head, totalBytes: bytes))
                }
                head.removeFirst(prefix.count)
                bytes -= prefix.count
                return AgentOutputLine(stream: .stderr, text: AgentOutputCollector.callbackText(head: head, totalBytes: bytes))
            }
            return .agentOutput(itemID: itemID, phase: phase, lines: lines)
        }
    }

    /// The lines at bytes `from..<to` of a log: each line's first bytes (enough to cut it as
    /// the collector does) and its length without the newline. Reads in bounded chunks, so a
    /// gigabyte line costs its head, not its size.
    static func readLines(path: String, from: Int, to: Int) -> [(head: [UInt8], bytes: Int)]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // The stderr mark and one byte past the limit, which tells an overlong line from one exactly at it.
        let keep = AgentOutputCollector.Limits().maxLineBytes + 16
        var lines: [(head: [UInt8], bytes: Int)] = []
        var head: [UInt8] = []
        var lineBytes = 0
        var position = from
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while position < to {
            let want = min(buffer.count, to - position)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(position)) }
            guard count > 0 else { return nil }
            for byte in buffer[0..<count] {
                if byte == 0x0A {
                    lines.append((head, lineBytes))
                    head.removeAll(keepingCapacity: true)
                    lineBytes = 0
                } else {
                    lineBytes += 1
                    if head.count < keep { head.append(byte) }
                }
            }
            position += count
        }
        return lines
    }
}
