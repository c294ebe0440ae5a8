/// The plain-mode observer: prints the original's log lines and echoes agent output to stderr,
/// with escape sequences and control characters taken out (`TerminalText`).
public struct PlainPrinter: Sendable {
    public let level: LogLevel
    public let echoAgentOutput: Bool
    private let write: @Sendable ([UInt8]) -> Void

    public init(level: LogLevel, echoAgentOutput: Bool = true,
                write: @escaping @Sendable ([UInt8]) -> Void = { try? FileIO.writeAll(2, $0, path: "standard error") }) {
        self.level = level
        self.echoAgentOutput = echoAgentOutput
        self.write = write
    }

    /// Prints every event until the stream ends.
    public func consume(_ stream: AsyncStream<SchedulerEvent>) async {
        for await event in stream {
            if let bytes = render(event) { write(bytes) }
        }
    }

    /// The bytes an event prints, if any.
    public func render(_ event: SchedulerEvent) -> [UInt8]? {
        switch event {
        case .log(let messageLevel, let message):
            guard level.shows(messageLevel) else { return nil }
            // Messages quote titles, ids and agent summaries: store and agent text. A message of
            // several lines (a preflight error's three) keeps them: split first, then sanitize
            // each line, so stripping control characters cannot join them.
            return Array((TerminalText.plainLines(message) + "\n").utf8)
        case .agentOutput(_, _, let lines):
            guard echoAgentOutput, !lines.isEmpty else { return nil }
            var bytes: [UInt8] = []
            for line in lines {
                // The raw bytes are in the attempt's log file; a terminal only gets harmless text.
                bytes.append(contentsOf: TerminalText.plain(line.text).utf8)
                bytes.append(0x0A)
            }
            return bytes
        default:
            return nil
        }
    }
}
