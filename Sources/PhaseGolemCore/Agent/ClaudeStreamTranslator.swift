/// Translates Claude Code's `--output-format stream-json --verbose` output (docs/decisions.md D13).
///
/// One JSON object per line (`system`/`init`, `assistant`, `user`, `system`/`api_retry`,
/// `result`); see `Tests/Fixtures/claude-stream-json/` for real samples. What becomes an
/// activity: the agent's text (its first line), each tool call with what it acts on, failed
/// tool results, API retries, and the end. The `result` line gives the facts; until it comes
/// (a run killed before its end), the facts hold the turns and the token usage seen so far
/// and an unknown cost.
public struct ClaudeStreamTranslator: AgentStreamTranslator {
    /// Longest activity text kept: observers cut further to fit their width.
    public static let maxActivityCharacters = 400
    /// Tool names remembered by call id, so a failed result can say which tool failed.
    static let maxRememberedTools = 4096

    public private(set) var facts = AgentRunFacts()
    /// Assistant messages of the main agent seen so far: the live turn count.
    private var turnsSeen = 0
    private var lastMessageID: String?
    private var sawResult = false
    private var workingDirectory: String?
    private var toolNames: [String: String] = [:]

    public init() {}

    public mutating func translate(_ line: AgentOutputLine) -> [AgentActivity] {
        let head = line.head
        if line.truncatedFromBytes != nil { return translateCut(String(head)) }
        guard let first = head.utf8.first(where: { $0 != 0x20 && $0 != 0x09 }) else { return [] }
        guard first == UInt8(ascii: "{"), let object = try? JSONParser.parse(String(head)), case .object = object,
              let type = object["type"]?.stringValue
        else {
            return [AgentActivity(.text, Self.cut(String(head)), turn: currentTurn)]
        }
        switch type {
        case "system": return system(object)
        case "assistant": return assistant(object)
        case "user": return user(object)
        case "result": return result(object)
        default: return []
        }
    }

    private var currentTurn: Int? { turnsSeen > 0 ? turnsSeen : nil }

    // MARK: Line types

    private mutating func system(_ object: JSONValue) -> [AgentActivity] {
        switch object["subtype"]?.stringValue {
        case "init":
            facts.model = object["model"]?.stringValue ?? facts.model
            facts.sessionID = object["session_id"]?.stringValue ?? facts.sessionID
            workingDirectory = object["cwd"]?.stringValue
            var parts = ["Claude Code"]
            if let version = object["claude_code_version"]?.stringValue { parts[0] += " " + version }
            if let model = facts.model { parts.append(model) }
            if let session = facts.sessionID { parts.append("session " + String(session.prefix(8))) }
            return [AgentActivity(.start, parts.joined(separator: " · "), turn: currentTurn)]
        case "api_retry":
            var text = "API retry"
            if let attempt = Self.int(object["attempt"]) {
                text += " \(attempt)"
                if let max = Self.int(object["max_retries"]) { text += "/\(max)" }
            }
            if let delay = Self.int(object["retry_delay_ms"]) { text += " in " + Self.seconds(milliseconds: delay) }
            let status = Self.int(object["error_status"]).map(String.init)
            let error = object["error"]?.stringValue
            let reason = [status, error].compactMap { $0 }.joined(separator: " ")
            if !reason.isEmpty { text += ": " + reason }
            return [AgentActivity(.retry, text, turn: currentTurn)]
        default:
            return []
        }
    }

    private mutating func assistant(_ object: JSONValue) -> [AgentActivity] {
        guard let message = object["message"] else { return [] }
        let isSubAgent = Self.isSubAgent(object)
        if !isSubAgent {
            // One API response arrives as several lines (one per content block) sharing its id.
            let id = message["id"]?.stringValue
            if id == nil || id != lastMessageID {
                turnsSeen += 1
                lastMessageID = id
                if !sawResult { addUsage(message["usage"]) }
            }
            if !sawResult { facts.turns = turnsSeen }
            if facts.model == nil { facts.model = message["model"]?.stringValue }
        }
        guard case .array(let blocks)? = message["content"] else { return [] }
        var activities: [AgentActivity] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                guard let text = block["text"]?.stringValue, let shown = Self.firstLine(text) else { continue }
                activities.append(AgentActivity(.text, Self.prefix(isSubAgent) + shown, turn: currentTurn))
            case "tool_use":
                let name = block["name"]?.stringValue ?? "tool"
                if let id = block["id"]?.stringValue {
                    if toolNames.count >= Self.maxRememberedTools { toolNames.removeAll(keepingCapacity: true) }
                    toolNames[id] = name
                }
                activities.append(AgentActivity(.tool, Self.prefix(isSubAgent) + describeTool(name, block["input"]),
                                                turn: currentTurn))
            default:
                continue
            }
        }
        return activities
    }

    private func user(_ object: JSONValue) -> [AgentActivity] {
        guard case .array(let blocks)? = object["message"]?["content"] else { return [] }
        var activities: [AgentActivity] = []
        for block in blocks where block["type"]?.stringValue == "tool_result" {
            guard case .bool(true)? = block["is_error"] else { continue }
            let name = block["tool_use_id"]?.stringValue.flatMap { toolNames[$0] } ?? "Tool"
            var text = Self.prefix(Self.isSubAgent(object)) + name + " failed"
            if let detail = Self.resultText(block["content"]).flatMap(Self.firstLine) { text += ": " + detail }
            activities.append(AgentActivity(.toolFailed, Self.cut(text), turn: currentTurn))
        }
        return activities
    }

    private mutating func result(_ object: JSONValue) -> [AgentActivity] {
        sawResult = true
        var facts = AgentRunFacts()
        facts.costUSD = Self.double(object["total_cost_usd"])
        if let usage = object["usage"] {
            facts.inputTokens = Self.int(usage["input_tokens"])
            facts.outputTokens = Self.int(usage["output_tokens"])
            facts.cacheReadTokens = Self.int(usage["cache_read_input_tokens"])
            facts.cacheCreationTokens = Self.int(usage["cache_creation_input_tokens"])
            facts.reasoningTokens = Self.int(usage["output_tokens_details"]?["thinking_tokens"])
        }
        // A run cut short (its budget spent, an API error mid-run) may report zero usage on its
        // result line though its turns used tokens: the usage summed from its turns is then the
        // better figure, and "0 tokens" would be wrong.
        if (facts.totalTokens ?? 0) == 0, (self.facts.totalTokens ?? 0) > 0 {
            facts.inputTokens = self.facts.inputTokens
            facts.outputTokens = self.facts.outputTokens
            facts.cacheReadTokens = self.facts.cacheReadTokens
            facts.cacheCreationTokens = self.facts.cacheCreationTokens
        }
        facts.turns = Self.int(object["num_turns"])
        facts.durationMs = Self.int(object["duration_ms"])
        facts.model = Self.resultModel(object) ?? self.facts.model
        facts.sessionID = object["session_id"]?.stringValue ?? self.facts.sessionID
        // Decided on is_error, never on subtype: an API failure says `success` there.
        if case .bool(let isError)? = object["is_error"] { facts.isError = isError }
        facts.apiErrorStatus = Self.int(object["api_error_status"])
        facts.terminalReason = object["terminal_reason"]?.stringValue
        facts.resultText = object["result"]?.stringValue
        facts.budgetExhausted = object["subtype"]?.stringValue == "error_max_budget_usd"
            || facts.terminalReason == "budget_exhausted"
        self.facts = facts
        return [AgentActivity(.end, Self.endLine(facts, subtype: object["subtype"]?.stringValue), turn: facts.turns)]
    }

    /// The run's end for skimming: `14 turns · 3m12s · $0.84 · 412k tokens, 380k cached`,
    /// led by what went wrong when something did.
    public static func endLine(_ facts: AgentRunFacts, subtype: String? = nil) -> String {
        var parts: [String] = []
        if facts.budgetExhausted {
            parts.append("Stopped: spending limit reached")
        } else if facts.isError {
            var reason = "Failed"
            let cause = [facts.terminalReason ?? subtype, facts.apiErrorStatus.map { "API \($0)" }].compactMap { $0 }
            if !cause.isEmpty { reason += " (" + cause.joined(separator: ", ") + ")" }
            parts.append(reason)
        }
        parts += ActivitySummary.figures(facts)
        return parts.isEmpty ? "Finished" : parts.joined(separator: " · ")
    }

    private mutating func addUsage(_ usage: JSONValue?) {
        guard let usage else { return }
        func add(_ field: inout Int?, _ key: String) {
            guard let value = Self.int(usage[key]) else { return }
            field = (field ?? 0) + value
        }
        add(&facts.inputTokens, "input_tokens")
        add(&facts.outputTokens, "output_tokens")
        add(&facts.cacheReadTokens, "cache_read_input_tokens")
        add(&facts.cacheCreationTokens, "cache_creation_input_tokens")
    }

    // MARK: Tools

    /// `Bash: swift test`, `Edit Sources/App/Login.swift`, `Grep "pattern"`, `Agent: description`.
    func describeTool(_ name: String, _ input: JSONValue?) -> String {
        func string(_ key: String) -> String? { input?[key]?.stringValue }
        let described: String
        switch name {
        case "Bash":
            described = "Bash: " + (string("command").flatMap(Self.firstLine) ?? "")
        case "Read", "Edit", "MultiEdit", "Write", "NotebookEdit", "NotebookRead":
            let path = string("file_path") ?? string("notebook_path") ?? string("path") ?? ""
            described = name + " " + relative(path)
        case "Grep":
            var text = "Grep \"" + (string("pattern") ?? "") + "\""
            if let path = string("path") { text += " in " + relative(path) }
            described = text
        case "Glob":
            var text = "Glob " + (string("pattern") ?? "")
            if let path = string("path") { text += " in " + relative(path) }
            described = text
        case "Task", "Agent":
            let what = string("description") ?? string("subagent_type") ?? ""
            described = "Agent: " + what
        case "WebFetch":
            described = "WebFetch " + (string("url") ?? "")
        case "WebSearch":
            described = "WebSearch \"" + (string("query") ?? "") + "\""
        case "TodoWrite":
            if case .array(let todos)? = input?["todos"] { described = "TodoWrite: \(todos.count) items" } else { described = name }
        default:
            // Whatever the tool, its first short string argument usually says what it acts on.
            let first = input?.objectMembers?.lazy.compactMap { $0.value.stringValue }.first { !$0.isEmpty }
            described = first.flatMap(Self.firstLine).map { name + " " + $0 } ?? name
        }
        return Self.cut(described)
    }

    /// A path inside the agent's working directory, shown relative to it.
    private func relative(_ path: String) -> String {
        guard let directory = workingDirectory, !directory.isEmpty else { return path }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    // MARK: Cut lines

    /// A line too long to keep whole: its type and what it acts on are near its start, so the
    /// kept head is scanned for them (never parsed as a whole: it is not valid JSON).
    private mutating func translateCut(_ head: String) -> [AgentActivity] {
        let scan = HeadScan(head)
        switch scan.string("type") {
        case "assistant":
            guard scan.string("type", after: "\"content\"") == "tool_use" || head.contains("\"tool_use\"") else {
                return [AgentActivity(.text, "(a long message)", turn: currentTurn)]
            }
            let name = scan.string("name") ?? "tool"
            if let id = scan.string("id", after: "\"tool_use\"") { toolNames[id] = name }
            var input: [JSONMember] = []
            for key in ["command", "file_path", "notebook_path", "path", "pattern", "description", "url", "query"] {
                if let value = scan.string(key) { input.append(JSONMember(key, .string(value))) }
            }
            return [AgentActivity(.tool, describeTool(name, .object(input)), turn: currentTurn)]
        case "user":
            // A huge tool result (a whole file read): success is the rule, and is_error, if
            // any, lies beyond the cut. Nothing to show.
            return []
        default:
            if head.contains("\"total_cost_usd\"") || head.contains("\"type\":\"result\"") {
                return [AgentActivity(.text, "(a result line too long to read; its facts are in the log)", turn: currentTurn)]
            }
            return [AgentActivity(.text, Self.cut(head), turn: currentTurn)]
        }
    }

    // MARK: Helpers

    private static func isSubAgent(_ object: JSONValue) -> Bool {
        if case .string? = object["parent_tool_use_id"] { return true }
        return false
    }

    private static func prefix(_ isSubAgent: Bool) -> String { isSubAgent ? "↳ " : "" }

    /// The model that did the work: the result's `modelUsage` key when there is exactly one.
    private static func resultModel(_ object: JSONValue) -> String? {
        guard let models = object["modelUsage"]?.objectMembers, models.count == 1 else { return nil }
        return models[0].key
    }

    /// A tool result's content: a string, or text blocks.
    private static func resultText(_ content: JSONValue?) -> String? {
        switch content {
        case .string(let text)?: return text
        case .array(let blocks)?: return blocks.lazy.compactMap { $0["text"]?.stringValue }.first
        default: return nil
        }
    }

    /// The first non-blank line, cut, with ` …` when more lines follow.
    static func firstLine(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let index = lines.firstIndex(where: { $0.contains { !$0.isWhitespace } }) else { return nil }
        var line = cut(String(lines[index]).trimmingTrailingCarriageReturn())
        if lines.count > index + 1 { line += " …" }
        return line
    }

    static func cut(_ text: String) -> String {
        guard text.count > maxActivityCharacters else { return text }
        return String(text.prefix(maxActivityCharacters - 1)) + "…"
    }

    static func int(_ value: JSONValue?) -> Int? {
        guard case .number(let text)? = value else { return nil }
        if let int = Int(text) { return int }
        return Double(text).flatMap { $0.isFinite && abs($0) < 9e15 ? Int($0) : nil }
    }

    static func double(_ value: JSONValue?) -> Double? {
        guard case .number(let text)? = value, let double = Double(text), double.isFinite else { return nil }
        return double
    }

    /// `4 s`, `0.5 s`, `38 s`.
    static func seconds(milliseconds: Int) -> String {
        if milliseconds < 1000 { return NumberText.decimal(Double((milliseconds + 50) / 100) / 10) + " s" }
        return String((milliseconds + 500) / 1000) + " s"
    }
}

private extension String {
    func trimmingTrailingCarriageReturn() -> String {
        hasSuffix("\r") ? String(dropLast()) : self
    }
}

/// Finds `"key":"value"` string members in the start of a cut JSON line, without parsing it.
///
/// Good enough to name a tool from a message too long to keep: keys are looked for as text,
/// so a key inside a string value could be found instead; only ever used for display.
struct HeadScan {
    let bytes: [UInt8]

    init(_ head: String) {
        bytes = Array(head.utf8)
    }

    /// The string value of the first `"key":` member (after the first occurrence of `after`).
    func string(_ key: String, after anchor: String? = nil) -> String? {
        var start = 0
        if let anchor {
            guard let found = find(Array(anchor.utf8), from: 0) else { return nil }
            start = found + anchor.utf8.count
        }
        let needle = Array("\"\(key)\":".utf8)
        guard var index = find(needle, from: start) else { return nil }
        index += needle.count
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        return bytes[index...].withUnsafeBufferPointer { buffer -> String? in
            var parser = JSONParser(bytes: buffer)
            return try? parser.parseString()
        }
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
