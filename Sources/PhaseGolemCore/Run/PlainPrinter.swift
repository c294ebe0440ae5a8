/// The plain-mode observer: prints the original's log lines and echoes agent output to stderr,
/// with escape sequences and control characters taken out (`TerminalText`).
public struct PlainPrinter: Sendable {
    public let level: LogLevel
    public let echoAgentOutput: Bool
    fileprivate let write: @Sendable ([UInt8]) -> Void

    public init(level: LogLevel, echoAgentOutput: Bool = true,
                write: @escaping @Sendable ([UInt8]) -> Void = { try? FileIO.writeAll(2, $0, path: "standard error") }) {
        self.level = level
        self.echoAgentOutput = echoAgentOutput
        self.write = write
    }

    /// Prints every event until the stream ends, on a thread of its own: a write to a slow or
    /// full standard error blocks that thread, never Swift's cooperative pool.
    public func consume(_ stream: AsyncStream<SchedulerEvent>) async {
        await PrintingLoop().run(stream, self)
    }

    /// The bytes an event prints, if any.
    public func render(_ event: SchedulerEvent) -> [UInt8]? {
        switch event {
        case .log(let messageLevel, let message):
            guard level.shows(messageLevel) else { return nil }
            // Messages quote titles, ids and agent summaries: store and agent text.
            return Array((TerminalText.plain(message) + "\n").utf8)
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

/// Where the plain printer's loop runs: an actor on its own serial queue, as the coordinator.
private actor PrintingLoop {
    private nonisolated let executor = QueueExecutor(label: "phase-golem.plain-printer")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    func run(_ stream: AsyncStream<SchedulerEvent>, _ printer: PlainPrinter) async {
        for await event in stream {
            if let bytes = printer.render(event) { printer.write(bytes) }
        }
    }
}
