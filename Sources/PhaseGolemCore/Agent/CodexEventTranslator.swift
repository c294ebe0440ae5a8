/// Translates the events `codex exec --json` prints, one JSON object per line (docs/codex.md).
///
/// `thread.started`, `turn.started`, `item.started` / `item.completed` (an `agent_message`,
/// `reasoning`, `command_execution`, `file_change` or `error` item), `turn.completed` with the
/// token usage of the whole run, `turn.failed`, and top-level `error` events; see
/// `Tests/Fixtures/codex-exec-json/` for real samples. What becomes an activity: the agent's
/// messages (their first line), each command when it starts and again when it fails (with its
/// exit code), each file change, errors, and the end. Codex reports tokens but no cost: with a
/// `price` the cost is computed from them, without one it stays unknown (never zero).
public struct CodexEventTranslator: AgentStreamTranslator {
    public private(set) var facts = AgentRunFacts()
    private let price: TokenPrice?
    /// Turns seen (`turn.started`): `codex exec` runs one per invocation.
    private var turnsSeen = 0

    public init(price: TokenPrice? = nil) {
        self.price = price
    }

    public mutating func translate(_ line: AgentOutputLine) -> [AgentActivity] {
        let head = line.head
        if line.truncatedFromBytes != nil { return translateCut(String(head)) }
        guard let first = head.utf8.first(where: { $0 != 0x20 && $0 != 0x09 }) else { return [] }
        guard first == UInt8(ascii: "{"), let object = try? JSONParser.parse(String(head)), case .object = object,
              let type = object["type"]?.stringValue
        else {
            return [AgentActivity(.text, ClaudeStreamTranslator.cut(String(head)), turn: currentTurn)]
        }
        switch type {
        case "thread.started":
            facts.sessionID = object["thread_id"]?.stringValue
            var text = "Codex"
            if let session = facts.sessionID { text += " · session " + String(session.prefix(8)) }
            return [AgentActivity(.start, text)]
        case "turn.started":
            turnsSeen += 1
            return []
        case "item.started": return itemStarted(object["item"])
        case "item.completed": return itemCompleted(object["item"])
        case "turn.completed": return turnCompleted(object["usage"])
        case "turn.failed": return turnFailed(object["error"]?["message"]?.stringValue)
        case "error":
            let message = object["message"]?.stringValue ?? "error"
            // Codex's own retries of a lost connection: worth seeing, not yet a failure.
            if message.hasPrefix("Reconnecting") { return [AgentActivity(.retry, ClaudeStreamTranslator.cut(message), turn: currentTurn)] }
            if facts.apiErrorStatus == nil { facts.apiErrorStatus = Self.httpStatus(in: message) }
            return [AgentActivity(.toolFailed, ClaudeStreamTranslator.cut("Error: " + message), turn: currentTurn)]
        default:
            return []
        }
    }

    private var currentTurn: Int? { turnsSeen > 0 ? turnsSeen : nil }

    // MARK: Items

    private func itemStarted(_ item: JSONValue?) -> [AgentActivity] {
        // A command is shown when it starts, so a long one is seen while it runs.
        guard let item, item["type"]?.stringValue == "command_execution" else { return [] }
        return [AgentActivity(.tool, "Run: " + Self.shown(command: item["command"]?.stringValue ?? ""), turn: currentTurn)]
    }

    private mutating func itemCompleted(_ item: JSONValue?) -> [AgentActivity] {
        guard let item else { return [] }
        switch item["type"]?.stringValue {
        case "agent_message":
            guard let text = item["text"]?.stringValue else { return [] }
            facts.resultText = text
            guard let shown = ClaudeStreamTranslator.firstLine(text) else { return [] }
            return [AgentActivity(.text, ClaudeStreamTranslator.cut(shown), turn: currentTurn)]
        case "command_execution":
            let exitCode = ClaudeStreamTranslator.int(item["exit_code"])
            let failed = item["status"]?.stringValue == "failed" || (exitCode ?? 0) != 0
            guard failed else { return [] }
            var text = "Command failed"
            if let exitCode { text += " (exit \(exitCode))" }
            text += ": " + Self.shown(command: item["command"]?.stringValue ?? "")
            return [AgentActivity(.toolFailed, ClaudeStreamTranslator.cut(text), turn: currentTurn)]
        case "file_change":
            guard case .array(let changes)? = item["changes"] else { return [] }
            return changes.compactMap { change in
                guard let path = change["path"]?.stringValue else { return nil }
                let kind = change["kind"]?.stringValue ?? "change"
                return AgentActivity(.tool, ClaudeStreamTranslator.cut(kind + " " + path), turn: currentTurn)
            }
        case "error":
            let message = item["message"]?.stringValue ?? "error"
            return [AgentActivity(.toolFailed, ClaudeStreamTranslator.cut("Error: " + message), turn: currentTurn)]
        default:
            // `reasoning` stays in the log, as Claude's thinking does.
            return []
        }
    }

    // MARK: The end

    private mutating func turnCompleted(_ usage: JSONValue?) -> [AgentActivity] {
        if let usage {
            // Codex counts cached input within `input_tokens`; the facts keep them apart.
            let input = ClaudeStreamTranslator.int(usage["input_tokens"])
            let cached = ClaudeStreamTranslator.int(usage["cached_input_tokens"]) ?? 0
            let output = ClaudeStreamTranslator.int(usage["output_tokens"])
            if let input { facts.inputTokens = max(input - cached, 0) }
            facts.cacheReadTokens = cached
            facts.cacheCreationTokens = ClaudeStreamTranslator.int(usage["cache_write_input_tokens"]) ?? 0
            facts.outputTokens = output
            facts.reasoningTokens = ClaudeStreamTranslator.int(usage["reasoning_output_tokens"])
            if let price, let input, let output {
                facts.costUSD = price.cost(input: input, cached: cached, output: output)
            }
        }
        facts.turns = currentTurn
        facts.terminalReason = "completed"
        return [AgentActivity(.end, ClaudeStreamTranslator.endLine(facts), turn: currentTurn)]
    }

    private mutating func turnFailed(_ message: String?) -> [AgentActivity] {
        facts.isError = true
        if let message, facts.apiErrorStatus == nil { facts.apiErrorStatus = Self.httpStatus(in: message) }
        // Codex fails a turn only when the model API failed after its own retries (docs/codex.md):
        // an agent failure (docs/decisions.md D14), whatever the status.
        facts.terminalReason = "api_error"
        if let message { facts.resultText = message }
        facts.turns = currentTurn
        return [AgentActivity(.end, ClaudeStreamTranslator.endLine(facts), turn: currentTurn)]
    }

    // MARK: Helpers

    /// The HTTP status in codex's API error texts: `unexpected status 401 Unauthorized: …`,
    /// `exceeded retry limit, last status: 429 Too Many Requests`.
    static func httpStatus(in message: String) -> Int? {
        for marker in ["unexpected status ", "last status: "] {
            guard let range = message.range(of: marker) else { continue }
            let digits = message[range.upperBound...].prefix(while: \.isNumber)
            if digits.count == 3, let status = Int(digits) { return status }
        }
        return nil
    }

    /// The command without the shell codex wraps it in (`/bin/bash -lc 'cmd'`), first line only.
    static func shown(command: String) -> String {
        var text = Substring(command)
        for shell in ["/bin/bash -lc ", "/bin/sh -lc ", "bash -lc ", "/bin/zsh -lc "] where text.hasPrefix(shell) {
            text = text.dropFirst(shell.count)
            // Codex quotes the script once; only a plain quoted script is unwrapped.
            if text.count >= 2, let quote = text.first, quote == "'" || quote == "\"", text.last == quote,
               !text.dropFirst().dropLast().contains(quote) {
                text = text.dropFirst().dropLast()
            }
            break
        }
        return ClaudeStreamTranslator.firstLine(String(text)) ?? String(text)
    }

    /// A line too long to keep whole (a command's whole output): what it is about lies near its start.
    private func translateCut(_ head: String) -> [AgentActivity] {
        let scan = HeadScan(head)
        let type = scan.string("type")
        let itemType = scan.string("type", after: "\"item\"")
        switch (type, itemType) {
        case ("item.started", "command_execution"):
            return [AgentActivity(.tool, "Run: " + Self.shown(command: scan.string("command") ?? ""), turn: currentTurn)]
        case ("item.completed", "agent_message"):
            return [AgentActivity(.text, ClaudeStreamTranslator.cut(scan.string("text") ?? "(a long message)"), turn: currentTurn)]
        case ("item.completed", _), ("item.started", _):
            // A finished command with a huge output: its exit code lies beyond the cut.
            return []
        default:
            return [AgentActivity(.text, ClaudeStreamTranslator.cut(head), turn: currentTurn)]
        }
    }
}
