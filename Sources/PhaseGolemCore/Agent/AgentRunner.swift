/// Everything an agent run needs: what to do, where to report, how long it may take.
public struct AgentRequest: Sendable {
    public var itemID: String
    /// The phase name, or `triage`.
    public var phase: String
    public var prompt: String
    /// Where the agent must write its JSON result (`{root}/.phase-golem/phase_result_{id}_{phase}.json`).
    public var resultPath: String
    /// The item's change folder (empty for triage).
    public var changeFolder: String
    /// The project root: the agent's working directory (docs/decisions.md D7).
    public var root: String
    public var timeoutSeconds: Double
    /// Seconds the agent may print nothing before it is stopped like a timeout; nil for no limit.
    public var idleTimeoutSeconds: Double?
    /// Where the attempt's stdout and stderr are saved in full.
    public var logPath: String
    /// 1-based attempt number.
    public var attempt: Int
    /// What is left of the run's budget, in USD, when the run has one: the most this attempt
    /// may spend (Claude's `--max-budget-usd`).
    public var maxBudgetUSD: Double?

    public init(itemID: String, phase: String, prompt: String, resultPath: String, changeFolder: String, root: String,
                timeoutSeconds: Double, logPath: String, attempt: Int, maxBudgetUSD: Double? = nil,
                idleTimeoutSeconds: Double? = nil) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxBudgetUSD = maxBudgetUSD
        self.itemID = itemID
        self.phase = phase
        self.prompt = prompt
        self.resultPath = resultPath
        self.changeFolder = changeFolder
        self.root = root
        self.timeoutSeconds = timeoutSeconds
        self.logPath = logPath
        self.attempt = attempt
    }
}

/// A line an agent printed.
public struct AgentOutputLine: Sendable, Equatable {
    public enum Stream: Sendable { case stdout, stderr }
    public var stream: Stream
    /// The line as text; a cut line ends with `truncationMarker`.
    public var text: String
    /// Set when the line was too long to keep whole: its full length in bytes (it is whole in
    /// the log file). `text` is then its start followed by the marker.
    public var truncatedFromBytes: Int?
    /// Where the line is in the attempt's log file: its first byte and its length there
    /// (`[stderr] ` prefix and newline included), when it was written there in one piece. The
    /// run journal refers to agent output by byte range instead of copying it
    /// (docs/journal.md). Not part of equality: it says where the line is, not what it is.
    public var logOffset: Int?
    public var logBytes: Int?

    public init(stream: Stream, text: String, truncatedFromBytes: Int? = nil, logOffset: Int? = nil, logBytes: Int? = nil) {
        self.stream = stream
        self.text = text
        self.truncatedFromBytes = truncatedFromBytes
        self.logOffset = logOffset
        self.logBytes = logBytes
    }

    public static func == (lhs: AgentOutputLine, rhs: AgentOutputLine) -> Bool {
        lhs.stream == rhs.stream && lhs.text == rhs.text && lhs.truncatedFromBytes == rhs.truncatedFromBytes
    }

    /// What a cut line's text ends with.
    public static func truncationMarker(bytes: Int) -> String {
        " … [line truncated: \(bytes) bytes, in full in the log file]"
    }

    /// The line's text without the truncation marker: the whole line, or the start of a cut one.
    public var head: Substring {
        guard let truncatedFromBytes else { return text[...] }
        let marker = Self.truncationMarker(bytes: truncatedFromBytes)
        return text.hasSuffix(marker) ? text.dropLast(marker.count) : text[...]
    }
}

/// Why an agent run produced no usable result, in the original's words (docs/compatibility.md#agents).
public struct AgentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    /// What is known of how the attempt ended, for telling agent failures apart (docs/decisions.md D14).
    public var cause: Cause
    /// The last non-empty lines the agent printed (bounded), filled in by the executor's context.
    public var outputTail: [String]
    /// What the agent reported about its run (stream-json `result`), filled in by the executor's context.
    public var facts: AgentRunFacts?

    /// How an attempt without a usable result ended.
    public enum Cause: Sendable, Equatable {
        /// Nothing more specific (timeouts, cancellation, an unreadable result file, …).
        case unspecified
        /// The program could not be started at all.
        case couldNotStart
        /// It ran and exited without writing a result file.
        case noResultFile(AgentExitStatus)
    }

    public init(_ description: String, cause: Cause = .unspecified, outputTail: [String] = []) {
        self.description = description
        self.cause = cause
        self.outputTail = outputTail
    }
}

/// What an agent run reports while it runs, besides its final result.
public enum AgentEvent: Sendable, Equatable {
    /// Lines the agent printed, in order, delivered in batches so a flood costs few calls.
    case output([AgentOutputLine])
    /// A warning the original logged at warn level (`Warning: Stale result file found at …`).
    case warning(String)
    /// A diagnostic the original logged at debug level (`[agent] Spawning subprocess...`).
    case debug(String)
    /// Readable lines about what the agent does, translated from its structured stdout
    /// (`AgentStreamTranslator`), in batches like `.output`. A runner that translates sends
    /// these instead of `.output` for stdout; stderr lines still come as `.output`.
    case activity([AgentActivity])
    /// What the run reported about itself; sent exactly once, before `run` returns, whether
    /// the run succeeded or not (all fields unknown for an agent that reports nothing).
    case facts(AgentRunFacts)
}

/// Runs an agent for one attempt of one phase.
public protocol AgentRunner: Sendable {
    /// Runs the agent to completion (or timeout); `onEvent` receives output and warnings as they happen.
    ///
    /// `onEvent` may be called from a thread outside Swift's cooperative pool and must return
    /// promptly: while it runs, the agent's output is not read.
    func run(_ request: AgentRequest, onEvent: @escaping @Sendable (AgentEvent) -> Void) async -> Result<PhaseResult, AgentError>
}
