/// An attempt in which the agent could not work at all, for reasons outside the item
/// (docs/decisions.md D14): it is retried after a backoff, never blocks the item and never uses
/// up its retries; enough of them in a row halt the run `AgentUnavailable`.
public struct AgentFailure: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The program could not be started.
        case couldNotStart
        /// The model API answered an error (outage, overload, rate limit, credit), with its HTTP status when known.
        case apiError(status: Int?)
        /// The API refused the credentials.
        case authentication
        /// The agent refused to run here (Claude Code as root without `IS_SANDBOX=1`).
        case refusal
        /// Items in a row failed without a result after the agent exited with an error (the streak rule).
        case failureStreak
    }

    public var kind: Kind
    /// What the agent itself said, one line.
    public var lastWords: String
    /// What the operator can do about it.
    public var fix: String

    public init(kind: Kind, lastWords: String, fix: String) {
        self.kind = kind
        self.lastWords = lastWords
        self.fix = fix
    }
}

/// Tells agent failures apart from item outcomes (docs/decisions.md D14). Pure: the same error
/// and output give the same answer.
///
/// An attempt is an agent failure only when it left no result file and one of these holds: the
/// program could not be started; its stream-json `result` line says `is_error: true` with an API
/// error (`terminal_reason` `api_error`, or an `api_error_status`); or it exited non-zero having
/// printed a known signature (an authentication failure, an API error, the root refusal).
/// Everything else keeps the original's semantics: a missing result after a clean exit, a
/// timeout, an unreadable result file are item failures.
public enum AgentFailureClassifier {
    /// - Parameter cli: the configured agent, so the fix names its own commands.
    public static func classify(_ error: AgentError, cli: AgentCLI) -> AgentFailure? {
        switch error.cause {
        case .unspecified:
            return nil
        case .couldNotStart:
            return AgentFailure(kind: .couldNotStart, lastWords: oneLine(error.description), fix: fix(.couldNotStart, cli: cli))
        case .noResultFile(let status):
            if let failure = fromFacts(error.facts, cli: cli) ?? fromResultLine(error.outputTail, cli: cli) { return failure }
            guard !status.isSuccess else { return nil }
            return fromSignatures(error.outputTail, cli: cli)
        }
    }

    /// The agent's last meaningful words: the stream-json error when there is one, else the last
    /// non-empty line it printed (nil when it printed nothing).
    public static func lastWords(_ outputTail: [String], facts: AgentRunFacts? = nil) -> String? {
        if let facts, facts.isError, let text = facts.resultText, !oneLine(text).isEmpty { return oneLine(text) }
        if let result = resultLine(outputTail), result.isError, let text = result.text { return oneLine(text) }
        return outputTail.reversed().lazy.map(oneLine).first { !$0.isEmpty }
    }

    // MARK: stream-json

    struct ResultLine {
        var isError: Bool
        var terminalReason: String?
        var apiErrorStatus: Int?
        var text: String?
    }

    /// The last `{"type":"result",…}` line of the tail, parsed.
    static func resultLine(_ tail: [String]) -> ResultLine? {
        for line in tail.reversed() where line.hasPrefix("{") && line.contains("\"result\"") {
            guard let value = try? JSONParser.parse(line), value["type"]?.stringValue == "result" else { continue }
            var status: Int?
            if case .number(let text) = value["api_error_status"] { status = Int(text) }
            return ResultLine(isError: value["is_error"] == .bool(true), terminalReason: value["terminal_reason"]?.stringValue,
                              apiErrorStatus: status, text: value["result"]?.stringValue)
        }
        return nil
    }

    /// The runner's translation of the stream-json `result` line.
    private static func fromFacts(_ facts: AgentRunFacts?, cli: AgentCLI) -> AgentFailure? {
        guard let facts else { return nil }
        return fromResult(ResultLine(isError: facts.isError, terminalReason: facts.terminalReason,
                                     apiErrorStatus: facts.apiErrorStatus, text: facts.resultText), cli: cli)
    }

    private static func fromResultLine(_ tail: [String], cli: AgentCLI) -> AgentFailure? {
        resultLine(tail).flatMap { fromResult($0, cli: cli) }
    }

    private static func fromResult(_ result: ResultLine, cli: AgentCLI) -> AgentFailure? {
        guard result.isError,
              result.terminalReason == "api_error" || result.apiErrorStatus != nil else { return nil }
        let words = result.text.map(oneLine).flatMap { $0.isEmpty ? nil : $0 }
            ?? "API error" + (result.apiErrorStatus.map { " \($0)" } ?? "")
        let kind: AgentFailure.Kind = result.apiErrorStatus == 401 || isAuthentication(words)
            ? .authentication : .apiError(status: result.apiErrorStatus)
        return AgentFailure(kind: kind, lastWords: words, fix: fix(kind, cli: cli))
    }

    // MARK: Plain-text signatures (the agent's output, last line first)

    private static func fromSignatures(_ tail: [String], cli: AgentCLI) -> AgentFailure? {
        for raw in tail.reversed() {
            let line = oneLine(raw)
            guard !line.isEmpty else { continue }
            let kind: AgentFailure.Kind
            if line.contains(ClaudeRootRule.refusal) {
                kind = .refusal
            } else if isAuthentication(line) {
                kind = .authentication
            } else if let status = apiErrorStatus(line) {
                // A 400 is the request's own fault (a prompt too long): the item's, not the agent's.
                guard status >= 500 || status == 429 || status == 529 else { continue }
                kind = .apiError(status: status)
            } else if line.lowercased().contains("credit balance is too low") {
                kind = .apiError(status: nil)
            } else {
                continue
            }
            return AgentFailure(kind: kind, lastWords: line, fix: fix(kind, cli: cli))
        }
        return nil
    }

    static func isAuthentication(_ line: String) -> Bool {
        let lower = line.lowercased()
        return lower.contains("failed to authenticate") || lower.contains("invalid api key") || lower.contains("authentication_error")
            || lower.contains("authentication_failed") || lower.contains("api error: 401") || lower.contains("please run /login")
    }

    /// The status of `API Error: 529 …`, as Claude Code prints a failed request.
    static func apiErrorStatus(_ line: String) -> Int? {
        guard let range = line.range(of: "API Error: ") else { return nil }
        let digits = line[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 3 else { return nil }
        return Int(digits)
    }

    // MARK: Fixes, worded for the configured agent

    static func fix(_ kind: AgentFailure.Kind, cli: AgentCLI) -> String {
        let program = cli == .claude ? "claude" : cli == .opencode ? "opencode" : cli.rawValue == "codex" ? "codex" : "the agent command"
        switch kind {
        case .couldNotStart:
            return "Check that \(program) is installed and runs (PATH, permissions, [agent] in phase-golem.toml), then run the same command again"
        case .failureStreak:
            return "Check the agent by hand (its output is in .phase-golem/logs/), then run the same command again"
        case .refusal:
            return "Run phase-golem as a normal (non-root) user; or, if this machine is a sandbox, set IS_SANDBOX=1 in the environment yourself"
        case .authentication:
            if cli == .claude { return "Log in again with `claude /login`, or set a valid ANTHROPIC_API_KEY, then run the same command again" }
            if cli.rawValue == "codex" { return "Log in again with `codex login`, or set a valid OPENAI_API_KEY, then run the same command again" }
            return "Check the agent's credentials (API key or login), then run the same command again"
        case .apiError(let status):
            let what = status.map { "the model API answered \($0)" } ?? "the model API refused the request"
            return "Wait until the API recovers (\(what); check the provider's status page, your rate limits and credit), "
                + "then run the same command again: nothing was blocked"
        }
    }

    /// One line of plain text, at most 500 characters.
    static func oneLine(_ text: String) -> String {
        let lines = text.split(separator: "\n").map { TerminalText.plain(String($0)).trimmed() }.filter { !$0.isEmpty }
        let trimmed = lines.joined(separator: " ")
        return trimmed.count > 500 ? String(trimmed.prefix(500)) + "…" : trimmed
    }
}
