/// Builds a `PhaseGolemConfig` from a parsed TOML tree, collecting every schema problem.
///
/// Problems are gathered rather than thrown so one run of the tool reports everything wrong
/// with a file; a key that fails to decode keeps its default so decoding can go on.
struct ConfigDecoder {
    /// Schema problems in document order (sections in schema order, pipelines by sorted name).
    private(set) var problems: [String] = []
    /// Pipelines whose `phases` list was present but (partly) undecodable.
    private(set) var pipelinesWithBadPhases: Set<String> = []

    private static let agentKeys = ["cli", "model", "command", "output", "sandbox", "price"]
    private static let priceKeys = ["input", "cached_input", "output"]
    private static let phaseKeys = ["name", "workflows", "is_destructive", "destructive", "staleness"]
    private static let maxUInt32 = Int(UInt32.max)

    mutating func decode(_ root: [String: TOMLNode]) -> PhaseGolemConfig {
        var config = PhaseGolemConfig()
        if let table = table("project", in: root, path: "project") {
            if let prefix = string("prefix", in: table, path: "project") { config.project.prefix = prefix }
        }
        if let table = table("guardrails", in: root, path: "guardrails") {
            config.guardrails = decodeGuardrails(table)
        }
        if let table = table("execution", in: root, path: "execution") {
            config.execution = decodeExecution(table)
        }
        if let table = table("agent", in: root, path: "agent") {
            config.agent = decodeAgent(table)
        }
        if let table = table("pipelines", in: root, path: "pipelines") {
            for name in table.keys.sorted() {
                guard let value = table[name] else { continue }
                let path = "pipelines.\(name)"
                guard case .table(let pipelineTable) = value else {
                    problems.append(Self.mismatch(path, expected: "a table with pre_phases and phases", got: value))
                    continue
                }
                config.pipelines[name] = decodePipeline(pipelineTable, name: name)
            }
        }
        return config
    }

    // MARK: Sections

    private mutating func decodeGuardrails(_ table: [String: TOMLNode]) -> GuardrailsConfig {
        var guardrails = GuardrailsConfig()
        if let value = enumValue("max_size", in: table, path: "guardrails", as: SizeLevel.self) {
            guardrails.maxSize = value
        }
        if let value = enumValue("max_complexity", in: table, path: "guardrails", as: DimensionLevel.self) {
            guardrails.maxComplexity = value
        }
        if let value = enumValue("max_risk", in: table, path: "guardrails", as: DimensionLevel.self) {
            guardrails.maxRisk = value
        }
        return guardrails
    }

    private mutating func decodeExecution(_ table: [String: TOMLNode]) -> ExecutionConfig {
        var execution = ExecutionConfig()
        if let value = minutes("phase_timeout_minutes", in: table, path: "execution") {
            execution.phaseTimeoutMinutes = value
        }
        if let value = uint32("max_retries", in: table, path: "execution") { execution.maxRetries = value }
        if let value = uint32("default_phase_cap", in: table, path: "execution") { execution.defaultPhaseCap = value }
        if let value = uint32("max_wip", in: table, path: "execution") { execution.maxWip = value }
        if let value = uint32("max_concurrent", in: table, path: "execution") { execution.maxConcurrent = value }
        if let value = bool("auto_advance", in: table, path: "execution") { execution.autoAdvance = value }
        if let value = uint32("circuit_breaker_threshold", in: table, path: "execution") {
            execution.circuitBreakerThreshold = value
        }
        if let value = seconds("agent_retry_backoff_seconds", in: table, path: "execution") {
            execution.agentRetryBackoffSeconds = value
        }
        if let value = uint32("agent_failure_limit", in: table, path: "execution") { execution.agentFailureLimit = value }
        if let value = uint32("agent_failure_streak", in: table, path: "execution") { execution.agentFailureStreak = value }
        if let value = table["max_cost_usd"] {
            let amount: Double? = switch value {
            case .integer(let number): Double(number)
            case .float(let number): number
            default: nil
            }
            if let amount, let problem = ExecutionConfig.budgetProblem(amount, name: "execution.max_cost_usd") {
                problems.append(problem)
            } else if let amount {
                execution.maxCostUSD = amount
            } else {
                problems.append(Self.mismatch("execution.max_cost_usd", expected: "a positive number of US dollars, such as 5 or 12.5", got: value))
            }
        }
        if let value = uint32("keep_runs", in: table, path: "execution") { execution.keepRuns = value }
        if let value = minutes("idle_timeout_minutes", in: table, path: "execution") { execution.idleTimeoutMinutes = value }
        return execution
    }

    private mutating func decodeAgent(_ table: [String: TOMLNode]) -> AgentConfig {
        rejectUnknownKeys(in: table, allowed: Self.agentKeys, path: "agent")
        var agent = AgentConfig()
        // A cli that failed to decode must not also produce a misleading cli/command mismatch.
        var cliKnown = true
        if table["cli"] != nil {
            if let cli = enumValue("cli", in: table, path: "agent", as: AgentCLI.self) {
                agent.cli = cli
            } else {
                cliKnown = false
            }
        }
        agent.model = AgentConfig.normalizedModel(string("model", in: table, path: "agent"))
        let command = stringArray("command", in: table, path: "agent")
        if let command { agent.command = command }
        agent.output = enumValue("output", in: table, path: "agent", as: AgentOutputFormat.self)
        guard cliKnown else { return agent }
        if agent.cli == .opencode, agent.output == .streamJSON {
            problems.append(#"agent.output: "stream-json" is for claude (or a command that prints Claude's stream-json); OpenCode prints text (remove output or set output = "text")"#)
        }
        if agent.cli == .codex, table["output"] != nil {
            problems.append(#"agent.output: not used with agent.cli = "codex": codex always runs with --json and its events are read as such (remove output)"#)
        }

        if agent.cli == .command {
            if table["command"] == nil {
                problems.append(
                    #"agent.command: required when agent.cli = "command" (e.g. command = ["my-agent", "--flag"]; the prompt is passed as the last argument)"#
                )
            } else if let command {
                if command.isEmpty {
                    problems.append(
                        #"agent.command: must not be empty when agent.cli = "command" (give the program and its arguments, e.g. ["my-agent", "--flag"])"#
                    )
                } else if AgentConfig.trimmingWhitespace(command[0]).isEmpty {
                    problems.append("agent.command: the first element (the program to run) must not be empty")
                }
            }
        } else if table["command"] != nil {
            problems.append(
                #"agent.command: only used when agent.cli = "command", but cli is '\#(agent.cli.rawValue)' (set cli = "command" or remove command)"#
            )
        }
        decodeCodexKeys(table, into: &agent)
        return agent
    }

    /// `sandbox` and `price`, which only a Codex agent uses (docs/codex.md).
    private mutating func decodeCodexKeys(_ table: [String: TOMLNode], into agent: inout AgentConfig) {
        let isCodex = agent.cli == .codex
        if table["sandbox"] != nil {
            if case .string("read-only") = table["sandbox"] {
                problems.append(#"agent.sandbox: 'read-only' cannot work: the agent must write its result file under the project root (use "workspace-write" or "none")"#)
            } else if let sandbox = enumValue("sandbox", in: table, path: "agent", as: CodexSandbox.self) {
                agent.sandbox = sandbox
            }
            if !isCodex {
                problems.append(#"agent.sandbox: only used when agent.cli = "codex", but cli is '\#(agent.cli.rawValue)' (remove sandbox, or set cli = "codex")"#)
            }
        }
        if let node = table["price"] {
            agent.price = decodePrice(node)
            if !isCodex {
                let why = agent.cli == .claude ? "Claude Code reports its own cost" : "only Codex reports the tokens a price applies to"
                problems.append(#"agent.price: only used when agent.cli = "codex", but cli is '\#(agent.cli.rawValue)' (\#(why); remove price)"#)
            }
        }
    }

    /// `price = { input = 1.25, cached_input = 0.125, output = 10.0 }`, US dollars per million tokens.
    private mutating func decodePrice(_ node: TOMLNode) -> TokenPrice? {
        let example = "a table such as { input = 1.25, cached_input = 0.125, output = 10.0 } (US dollars per million tokens)"
        guard case .table(let table) = node else {
            problems.append(Self.mismatch("agent.price", expected: example, got: node))
            return nil
        }
        rejectUnknownKeys(in: table, allowed: Self.priceKeys, path: "agent.price")
        var values: [String: Double] = [:]
        var valid = true
        for key in Self.priceKeys {
            guard let value = table[key] else {
                if key != "cached_input" {
                    problems.append("agent.price: missing required key '\(key)' (expected \(example))")
                    valid = false
                }
                continue
            }
            let number: Double? = switch value {
            case .integer(let integer): Double(integer)
            case .float(let float): float
            default: nil
            }
            guard let number, number.isFinite, number >= 0 else {
                problems.append(Self.mismatch("agent.price.\(key)", expected: "a non-negative number of US dollars per million tokens, such as 1.25", got: value))
                valid = false
                continue
            }
            values[key] = number
        }
        guard valid, let input = values["input"], let output = values["output"] else { return nil }
        return TokenPrice(input: input, cachedInput: values["cached_input"], output: output)
    }

    private mutating func decodePipeline(_ table: [String: TOMLNode], name: String) -> PipelineConfig {
        let path = "pipelines.\(name)"
        var pipeline = PipelineConfig()
        if let (phases, _) = phaseList("pre_phases", in: table, path: path) {
            pipeline.prePhases = phases
        }
        if let (phases, complete) = phaseList("phases", in: table, path: path) {
            pipeline.phases = phases
            if !complete { pipelinesWithBadPhases.insert(name) }
        } else if table["phases"] != nil {
            pipelinesWithBadPhases.insert(name)
        }
        return pipeline
    }

    /// Decodes an array of phase tables; `complete` is false when some entry had to be dropped.
    private mutating func phaseList(_ key: String, in table: [String: TOMLNode], path: String) -> ([PhaseConfig], complete: Bool)? {
        guard let value = table[key] else { return nil }
        let listPath = "\(path).\(key)"
        guard case .array(let entries) = value else {
            problems.append(Self.mismatch(listPath, expected: "an array of phase tables", got: value))
            return nil
        }
        var phases: [PhaseConfig] = []
        var complete = true
        for (index, entry) in entries.enumerated() {
            if let phase = decodePhase(entry, path: "\(listPath)[\(index)]") {
                phases.append(phase)
            } else {
                complete = false
            }
        }
        return (phases, complete)
    }

    private mutating func decodePhase(_ node: TOMLNode, path: String) -> PhaseConfig? {
        guard case .table(let table) = node else {
            problems.append(
                Self.mismatch(path, expected: #"a phase table such as { name = "build", workflows = ["build.md"] }"#, got: node)
            )
            return nil
        }
        rejectUnknownKeys(in: table, allowed: Self.phaseKeys, path: path)
        let name = string("name", in: table, path: path)
        if table["name"] == nil { problems.append("\(path): missing required key 'name'") }

        var phase = PhaseConfig(name: name ?? "")
        if let workflows = stringArray("workflows", in: table, path: path) { phase.workflows = workflows }
        if table["is_destructive"] != nil && table["destructive"] != nil {
            problems.append("\(path): both 'is_destructive' and 'destructive' are set (keep only one)")
        }
        if let flag = bool("is_destructive", in: table, path: path) {
            phase.isDestructive = flag
        } else if let flag = bool("destructive", in: table, path: path) {
            phase.isDestructive = flag
        }
        if let staleness = enumValue("staleness", in: table, path: path, as: StalenessPolicy.self) {
            phase.staleness = staleness
        }
        return name == nil ? nil : phase
    }

    // MARK: Typed accessors (nil when absent or invalid; invalid ones are recorded)

    private mutating func table(_ key: String, in table: [String: TOMLNode], path: String) -> [String: TOMLNode]? {
        guard let value = table[key] else { return nil }
        guard case .table(let entries) = value else {
            problems.append(Self.mismatch(path, expected: "a table", got: value))
            return nil
        }
        return entries
    }

    private mutating func string(_ key: String, in table: [String: TOMLNode], path: String) -> String? {
        guard let value = table[key] else { return nil }
        guard case .string(let text) = value else {
            problems.append(Self.mismatch("\(path).\(key)", expected: "a string", got: value))
            return nil
        }
        return text
    }

    private mutating func bool(_ key: String, in table: [String: TOMLNode], path: String) -> Bool? {
        guard let value = table[key] else { return nil }
        guard case .boolean(let flag) = value else {
            problems.append(Self.mismatch("\(path).\(key)", expected: "true or false", got: value))
            return nil
        }
        return flag
    }

    /// An integer in the original's `u32` range.
    private mutating func uint32(_ key: String, in table: [String: TOMLNode], path: String) -> Int? {
        guard let value = table[key] else { return nil }
        let keyPath = "\(path).\(key)"
        guard case .integer(let number) = value else {
            problems.append(Self.mismatch(keyPath, expected: "a non-negative integer", got: value))
            return nil
        }
        guard number >= 0 else {
            problems.append(Self.mismatch(keyPath, expected: "a non-negative integer", got: value))
            return nil
        }
        guard number <= Self.maxUInt32 else {
            problems.append(Self.mismatch(keyPath, expected: "an integer no larger than \(Self.maxUInt32)", got: value))
            return nil
        }
        return number
    }

    /// A duration in minutes: an integer as in the original, or a float for sub-minute timeouts.
    ///
    /// Zero and negative values pass through so validation reports them with its `must be > 0` message.
    private mutating func minutes(_ key: String, in table: [String: TOMLNode], path: String) -> Double? {
        guard let value = table[key] else { return nil }
        let keyPath = "\(path).\(key)"
        let minutes: Double
        switch value {
        case .integer(let number): minutes = Double(number)
        case .float(let number): minutes = number
        default:
            problems.append(Self.mismatch(keyPath, expected: "a number of minutes, such as 30 or 0.5", got: value))
            return nil
        }
        // Negated so NaN gets through to validation's clearer `must be > 0`.
        guard !(minutes > Double(Self.maxUInt32)) else {
            problems.append(Self.mismatch(keyPath, expected: "a number of minutes no larger than \(Self.maxUInt32)", got: value))
            return nil
        }
        return minutes
    }

    /// A number of seconds, integer or float; range checks are validation's.
    private mutating func seconds(_ key: String, in table: [String: TOMLNode], path: String) -> Double? {
        guard let value = table[key] else { return nil }
        switch value {
        case .integer(let number): return Double(number)
        case .float(let number): return number
        default:
            problems.append(Self.mismatch("\(path).\(key)", expected: "a number of seconds, such as 30 or 0.5", got: value))
            return nil
        }
    }

    private mutating func stringArray(_ key: String, in table: [String: TOMLNode], path: String) -> [String]? {
        guard let value = table[key] else { return nil }
        let keyPath = "\(path).\(key)"
        guard case .array(let elements) = value else {
            problems.append(Self.mismatch(keyPath, expected: "an array of strings", got: value))
            return nil
        }
        var strings: [String] = []
        var valid = true
        for (index, element) in elements.enumerated() {
            if case .string(let text) = element {
                strings.append(text)
            } else {
                problems.append(Self.mismatch("\(keyPath)[\(index)]", expected: "a string", got: element))
                valid = false
            }
        }
        return valid ? strings : nil
    }

    /// A lowercase enum value; case-sensitive like the original's serde enums.
    private mutating func enumValue<Value: RawRepresentable & CaseIterable>(
        _ key: String, in table: [String: TOMLNode], path: String, as type: Value.Type
    ) -> Value? where Value.RawValue == String {
        guard let value = table[key] else { return nil }
        let choices = Self.listing(Value.allCases.map(\.rawValue))
        guard case .string(let text) = value, let parsed = Value(rawValue: text) else {
            problems.append(Self.mismatch("\(path).\(key)", expected: choices, got: value))
            return nil
        }
        return parsed
    }

    /// Records every key of `table` not in `allowed`, suggesting the closest allowed key for typos.
    private mutating func rejectUnknownKeys(in table: [String: TOMLNode], allowed: [String], path: String) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let hint = Self.closest(to: key, among: allowed).map { "did you mean '\($0)'? " } ?? ""
            problems.append("\(path): unknown key '\(key)' (\(hint)allowed keys: \(allowed.joined(separator: ", ")))")
        }
    }

    // MARK: Message helpers

    /// "`path`: invalid value X (expected …)" for scalars; containers are named by kind instead of dumped.
    static func mismatch(_ path: String, expected: String, got value: TOMLNode) -> String {
        switch value {
        case .string(let text): "\(path): invalid value \(quoted(text)) (expected \(expected))"
        case .integer(let number): "\(path): invalid value \(number) (expected \(expected))"
        case .float(let number): "\(path): invalid value \(number) (expected \(expected))"
        case .boolean(let flag): "\(path): invalid value \(flag) (expected \(expected))"
        case .array: "\(path): expected \(expected), got an array"
        case .table: "\(path): expected \(expected), got a table"
        case .dateTime(let kind, let text): "\(path): expected \(expected), got \(kind) (\(text))"
        }
    }

    /// Single-quoted, with control characters escaped and long values shortened, so a message stays one readable line.
    static func quoted(_ text: String) -> String {
        var result = ""
        for (count, character) in text.enumerated() {
            if count == 60 {
                result += "…"
                break
            }
            switch character {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "'": result += "\\'"
            default:
                if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) {
                    result += character.unicodeScalars.map { "\\u{\(String($0.value, radix: 16))}" }.joined()
                } else {
                    result.append(character)
                }
            }
        }
        return "'\(result)'"
    }

    /// "a, b or c".
    static func listing(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        let head = items.dropLast()
        return head.isEmpty ? last : "\(head.joined(separator: ", ")) or \(last)"
    }

    /// The allowed key a typo most likely meant: one edit away for short keys, two for longer
    /// ones, and only when a single candidate is closest.
    static func closest(to key: String, among candidates: [String]) -> String? {
        let limit = key.count <= 4 ? 1 : 2
        let scored = candidates.map { (candidate: $0, distance: editDistance(key, $0)) }.filter { $0.distance <= limit }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return scored.filter { $0.distance == best.distance }.count == 1 ? best.candidate : nil
    }

    /// Edit distance counting an adjacent swap as one edit (`modle` → `model`), as typos usually are.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let lhs = Array(lhs), rhs = Array(rhs)
        guard !lhs.isEmpty else { return rhs.count }
        guard !rhs.isEmpty else { return lhs.count }
        var distance = Array(repeating: Array(repeating: 0, count: rhs.count + 1), count: lhs.count + 1)
        for i in 0...lhs.count { distance[i][0] = i }
        for j in 0...rhs.count { distance[0][j] = j }
        for i in 1...lhs.count {
            for j in 1...rhs.count {
                let cost = lhs[i - 1] == rhs[j - 1] ? 0 : 1
                distance[i][j] = min(distance[i - 1][j] + 1, distance[i][j - 1] + 1, distance[i - 1][j - 1] + cost)
                if i > 1, j > 1, lhs[i - 1] == rhs[j - 2], lhs[i - 2] == rhs[j - 1] {
                    distance[i][j] = min(distance[i][j], distance[i - 2][j - 2] + 1)
                }
            }
        }
        return distance[lhs.count][rhs.count]
    }
}
