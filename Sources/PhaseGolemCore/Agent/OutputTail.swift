import Synchronization

/// The last few non-empty lines an agent printed, bounded, so an attempt that fails can be told
/// apart and quoted (docs/decisions.md D14). Appended to from the agent's reader thread.
final class OutputTail: Sendable {
    /// Lines kept; a stream-json `result` line is kept whole up to `maxLineBytes`, longer lines are cut.
    static let maxLines = 8
    static let maxLineBytes = 64 * 1024

    private let state = Mutex<[String]>([])
    private let lastFacts = Mutex<AgentRunFacts?>(nil)

    func record(_ facts: AgentRunFacts) {
        lastFacts.withLock { $0 = facts }
    }

    var facts: AgentRunFacts? { lastFacts.withLock { $0 } }

    func append(_ lines: [AgentOutputLine]) {
        let nonEmpty = lines.reversed().lazy
            .filter { $0.text.utf8.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D } }
            .prefix(Self.maxLines)
        let kept = nonEmpty.reversed().map { line -> String in
            guard line.text.utf8.count > Self.maxLineBytes else { return line.text }
            return String(decoding: line.text.utf8.prefix(Self.maxLineBytes), as: UTF8.self)
        }
        guard !kept.isEmpty else { return }
        state.withLock { tail in
            tail.append(contentsOf: kept)
            if tail.count > Self.maxLines { tail.removeFirst(tail.count - Self.maxLines) }
        }
    }

    var lines: [String] { state.withLock { $0 } }
}
