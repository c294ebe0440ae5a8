/// One line of a run's journal, decoded (docs/journal.md).
public enum JournalRecord: Sendable {
    /// The first line.
    case header(JournalHeader)
    /// A scheduler event as it was published. Agent output written to an attempt log is not
    /// here but in `.output`: the journal points at it instead of copying it.
    case event(SchedulerEvent)
    /// Lines an agent printed: `count` lines at bytes `from..<to` of the attempt log `log`
    /// (a file name in the run's log folder), or, when the run kept no log, the lines themselves.
    case output(itemID: String, phase: String, source: OutputSource)
    /// The journal's own last line, after `halted` or `runFailed`: the run's exit code and totals.
    case end(JournalEnd)

    public enum OutputSource: Sendable, Equatable {
        case log(file: String, from: Int, to: Int, count: Int, stderrLines: [Int])
        case inline([AgentOutputLine])
    }
}

/// What the journal adds after the last event, so `runs` reads a finished run from its tail.
public struct JournalEnd: Sendable, Equatable {
    public var exitCode: Int32
    public var phases: Int
    /// Summed over the phases that reported a cost; nil when none did.
    public var costUSD: Double?

    public init(exitCode: Int32, phases: Int, costUSD: Double?) {
        self.exitCode = exitCode
        self.phases = phases
        self.costUSD = costUSD
    }
}

/// A decoded line and when it was written (milliseconds since the Unix epoch).
public struct TimedRecord: Sendable {
    public var time: Int64
    public var record: JournalRecord
}

// MARK: Encoding

extension JournalRecord {
    /// The line for `record` at `time`, newline included.
    public static func encode(_ record: JournalRecord, time: Int64) -> [UInt8] {
        var members = [JSONMember("t", .integer(time))]
        members += Self.members(record)
        var bytes = Array(JSONWriter.canonicalString(.object(members)).utf8)
        bytes.append(0x0A)
        return bytes
    }

    private static func kind(_ name: String) -> JSONMember { JSONMember("k", .string(name)) }
    private static func string(_ key: String, _ value: String) -> JSONMember { JSONMember(key, .string(value)) }
    private static func int(_ key: String, _ value: Int) -> JSONMember { JSONMember(key, .integer(Int64(value))) }
    private static func strings(_ key: String, _ values: [String]) -> JSONMember { JSONMember(key, .array(values.map(JSONValue.string))) }

    private static func members(_ record: JournalRecord) -> [JSONMember] {
        switch record {
        case .header(let header):
            return [kind("header"), int("v", 1), string("run", header.runID), int("pid", Int(header.pid)),
                    JSONMember("started", .integer(header.startedAt)), string("project", header.projectName),
                    string("agent", header.agentDescription), JSONMember("params", encode(header.params)),
                    JSONMember("items", .array(header.items.map { item in
                        var fields = [string("id", item.id), string("title", item.title), string("status", item.status),
                                      strings("phases", item.phases)]
                        if let phase = item.phase { fields.append(string("phase", phase)) }
                        return .object(fields)
                    })),
                    strings("default_phases", header.defaultPhases), int("breaker_threshold", header.breakerThreshold),
                    int("max_retries", header.maxRetries), JSONMember("timeout_minutes", .number(NumberText.decimal(header.phaseTimeoutMinutes)))]
        case .event(let event):
            return eventMembers(event)
        case .output(let itemID, let phase, let source):
            var fields = [kind("output"), string("item", itemID), string("phase", phase)]
            switch source {
            case .log(let file, let from, let to, let count, let stderrLines):
                fields += [string("log", file), int("from", from), int("to", to), int("lines", count)]
                if !stderrLines.isEmpty { fields.append(JSONMember("stderr", .array(stderrLines.map { .integer(Int64($0)) }))) }
            case .inline(let lines):
                fields.append(strings("text", lines.map(\.text)))
                let stderr = lines.indices.filter { lines[$0].stream == .stderr }
                if !stderr.isEmpty { fields.append(JSONMember("stderr", .array(stderr.map { .integer(Int64($0)) }))) }
            }
            return fields
        case .end(let end):
            var fields = [kind("end"), int("exit", Int(end.exitCode)), int("phases", end.phases)]
            if let cost = end.costUSD { fields.append(JSONMember("cost_usd", .number(NumberText.decimal(cost)))) }
            return fields
        }
    }

    static func encode(_ params: RunParams) -> JSONValue {
        var fields = [strings("targets", params.targets), int("cap", params.cap), JSONMember("auto_advance", .bool(params.autoAdvance)),
                      strings("archived_targets", params.archivedTargets.sorted())]
        if let filter = params.filter { fields.append(strings("filter", filter.criteria.map(\.description))) }
        if let budget = params.maxCostUSD { fields.append(JSONMember("max_cost_usd", .number(NumberText.decimal(budget)))) }
        return .object(fields)
    }

    private static func eventMembers(_ event: SchedulerEvent) -> [JSONMember] {
        switch event {
        case .log(let level, let text):
            return [kind("log"), string("level", level.name), string("text", text)]
        case .runStarted(let params):
            return [kind("run_started"), JSONMember("params", encode(params))]
        case .targetStarted(let id, let index, let total):
            return [kind("target_started"), string("id", id), int("index", index), int("total", total)]
        case .targetSkipped(let id, let index, let total, let reason):
            return [kind("target_skipped"), string("id", id), int("index", index), int("total", total), string("reason", reason)]
        case .targetBlocked(let id, let index, let total, let reason, let autoAdvancing, let next):
            var fields = [kind("target_blocked"), string("id", id), int("index", index), int("total", total),
                          JSONMember("auto_advancing", .bool(autoAdvancing))]
            if let reason { fields.append(string("reason", reason)) }
            if let next { fields.append(string("next", next)) }
            return fields
        case .targetCompleted(let id, let index, let total):
            return [kind("target_completed"), string("id", id), int("index", index), int("total", total)]
        case .itemPromoted(let id, let phase):
            return [kind("item_promoted"), string("id", id), string("phase", phase)]
        case .phaseStarted(let itemID, let phase, let attempt, let maxAttempts, let isDestructive):
            return [kind("phase_started"), string("item", itemID), string("phase", phase), int("attempt", attempt),
                    int("max_attempts", maxAttempts), JSONMember("destructive", .bool(isDestructive)),
                    string("log", RunContext.logFileName(itemID: itemID, phase: phase, attempt: attempt))]
        case .agentOutput(let itemID, let phase, let lines):
            return members(.output(itemID: itemID, phase: phase, source: .inline(lines)))
        case .agentActivity(let itemID, let phase, let activities):
            return [kind("activity"), string("item", itemID), string("phase", phase),
                    JSONMember("activities", .array(activities.map { activity in
                        var fields = [string("kind", activity.kind.rawValue), string("text", activity.text)]
                        if let turn = activity.turn { fields.append(int("turn", turn)) }
                        return .object(fields)
                    }))]
        case .phaseFinished(let itemID, let phase, let outcome, let detail, let facts):
            var fields = [kind("phase_finished"), string("item", itemID), string("phase", phase), string("outcome", outcome.rawValue),
                          string("detail", detail)]
            if let facts { fields.append(JSONMember("facts", encode(facts))) }
            return fields
        case .itemBlocked(let id, let reason):
            return [kind("item_blocked"), string("id", id), string("reason", reason)]
        case .itemCompleted(let id):
            return [kind("item_completed"), string("id", id)]
        case .breakerChanged(let count, let threshold):
            return [kind("breaker"), int("count", count), int("threshold", threshold)]
        case .capUsage(let used, let cap):
            return [kind("cap"), int("used", used), int("cap", cap)]
        case .halted(let summary):
            return [kind("halted"), JSONMember("summary", encode(summary))]
        case .runFailed(let message):
            return [kind("run_failed"), string("message", message)]
        }
    }

    /// What the agent reported about the phase's runs; unknown figures are left out, never zero.
    static func encode(_ facts: AgentRunFacts) -> JSONValue {
        var fields: [JSONMember] = [JSONMember("is_error", .bool(facts.isError)), JSONMember("budget_exhausted", .bool(facts.budgetExhausted))]
        if let cost = facts.costUSD { fields.append(JSONMember("cost_usd", .number(NumberText.decimal(cost)))) }
        let counts: [(String, Int?)] = [("input_tokens", facts.inputTokens), ("output_tokens", facts.outputTokens),
                                        ("cache_read_tokens", facts.cacheReadTokens), ("cache_creation_tokens", facts.cacheCreationTokens),
                                        ("reasoning_tokens", facts.reasoningTokens), ("turns", facts.turns), ("duration_ms", facts.durationMs),
                                        ("api_error_status", facts.apiErrorStatus)]
        for (key, value) in counts { if let value { fields.append(int(key, value)) } }
        let texts: [(String, String?)] = [("model", facts.model), ("session_id", facts.sessionID), ("terminal_reason", facts.terminalReason),
                                          ("result", facts.resultText)]
        for (key, value) in texts { if let value { fields.append(string(key, value)) } }
        return .object(fields)
    }

    static func facts(_ value: JSONValue) throws(JournalDecodingError) -> AgentRunFacts {
        let f = Fields(value)
        func number(_ key: String) -> Int? { f.has(key) ? Int(f.optionalDouble(key) ?? 0) : nil }
        return AgentRunFacts(costUSD: f.optionalDouble("cost_usd"), inputTokens: number("input_tokens"), outputTokens: number("output_tokens"),
                             cacheReadTokens: number("cache_read_tokens"), cacheCreationTokens: number("cache_creation_tokens"),
                             reasoningTokens: number("reasoning_tokens"), turns: number("turns"), durationMs: number("duration_ms"),
                             model: f.optionalString("model"), sessionID: f.optionalString("session_id"), isError: try f.bool("is_error"),
                             apiErrorStatus: number("api_error_status"), terminalReason: f.optionalString("terminal_reason"),
                             resultText: f.optionalString("result"), budgetExhausted: try f.bool("budget_exhausted"))
    }

    static func encode(_ summary: RunSummary) -> JSONValue {
        var fields = [int("phases_executed", summary.phasesExecuted), strings("completed", summary.itemsCompleted),
                      strings("blocked", summary.itemsBlocked),
                      JSONMember("block_reasons", .object(summary.blockReasons.keys.sorted().map { string($0, summary.blockReasons[$0] ?? "") })),
                      JSONMember("skipped", .array(summary.skippedTargets.map { .object([string("id", $0.id), string("reason", $0.reason)]) })),
                      int("follow_ups_created", summary.followUpsCreated), int("items_merged", summary.itemsMerged),
                      string("halt_reason", summary.haltReason.rawValue)]
        if let filter = summary.filterDisplay { fields.append(string("filter", filter)) }
        return .object(fields)
    }
}

// MARK: Decoding

/// A journal line that is not a record this version understands.
public struct JournalDecodingError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension JournalRecord {
    /// Decodes one line (without its newline).
    public static func decode(_ line: ArraySlice<UInt8>) throws(JournalDecodingError) -> TimedRecord {
        let value: JSONValue
        do {
            value = try line.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try JSONParser.parse(buffer) }
        } catch {
            throw JournalDecodingError(description: "not JSON: \(error)")
        }
        let fields = Fields(value)
        let time = try fields.int64("t")
        let kind = try fields.string("k")
        return TimedRecord(time: time, record: try decode(kind: kind, fields))
    }

    private static func decode(kind: String, _ f: Fields) throws(JournalDecodingError) -> JournalRecord {
        switch kind {
        case "header":
            var items: [JournalHeader.Item] = []
            for item in try f.array("items") {
                let i = Fields(item)
                items.append(JournalHeader.Item(id: try i.string("id"), title: try i.string("title"), status: try i.string("status"),
                                                phase: i.optionalString("phase"), phases: try i.strings("phases")))
            }
            return .header(JournalHeader(
                runID: try f.string("run"), pid: Int32(truncatingIfNeeded: try f.int("pid")), startedAt: try f.int64("started"),
                projectName: try f.string("project"), agentDescription: try f.string("agent"), params: try params(f.value("params")),
                items: items, defaultPhases: try f.strings("default_phases"), breakerThreshold: try f.int("breaker_threshold"),
                maxRetries: try f.int("max_retries"), phaseTimeoutMinutes: try f.double("timeout_minutes")))
        case "output":
            let itemID = try f.string("item")
            let phase = try f.string("phase")
            let stderr = Set(f.optionalInts("stderr"))
            if let file = f.optionalString("log") {
                return .output(itemID: itemID, phase: phase, source: .log(
                    file: file, from: try f.int("from"), to: try f.int("to"), count: try f.int("lines"), stderrLines: stderr.sorted()))
            }
            let texts = try f.strings("text")
            let lines = texts.indices.map { AgentOutputLine(stream: stderr.contains($0) ? .stderr : .stdout, text: texts[$0]) }
            return .output(itemID: itemID, phase: phase, source: .inline(lines))
        case "end":
            return .end(JournalEnd(exitCode: Int32(truncatingIfNeeded: try f.int("exit")), phases: try f.int("phases"),
                                   costUSD: f.optionalDouble("cost_usd")))
        default:
            return .event(try event(kind: kind, f))
        }
    }

    private static func event(kind: String, _ f: Fields) throws(JournalDecodingError) -> SchedulerEvent {
        switch kind {
        case "log":
            let name = try f.string("level")
            guard let level = LogLevel(parsing: name) else { throw JournalDecodingError(description: "unknown log level \(name)") }
            return .log(level, try f.string("text"))
        case "run_started":
            return .runStarted(try params(f.value("params")))
        case "target_started":
            return .targetStarted(id: try f.string("id"), index: try f.int("index"), total: try f.int("total"))
        case "target_skipped":
            return .targetSkipped(id: try f.string("id"), index: try f.int("index"), total: try f.int("total"), reason: try f.string("reason"))
        case "target_blocked":
            return .targetBlocked(id: try f.string("id"), index: try f.int("index"), total: try f.int("total"),
                                  reason: f.optionalString("reason"), autoAdvancing: try f.bool("auto_advancing"), next: f.optionalString("next"))
        case "target_completed":
            return .targetCompleted(id: try f.string("id"), index: try f.int("index"), total: try f.int("total"))
        case "item_promoted":
            return .itemPromoted(id: try f.string("id"), phase: try f.string("phase"))
        case "phase_started":
            return .phaseStarted(itemID: try f.string("item"), phase: try f.string("phase"), attempt: try f.int("attempt"),
                                 maxAttempts: try f.int("max_attempts"), isDestructive: try f.bool("destructive"))
        case "phase_finished":
            let name = try f.string("outcome")
            guard let outcome = SchedulerEvent.PhaseOutcome(rawValue: name) else {
                throw JournalDecodingError(description: "unknown phase outcome \(name)")
            }
            return .phaseFinished(itemID: try f.string("item"), phase: try f.string("phase"), outcome: outcome, detail: try f.string("detail"),
                                  facts: f.has("facts") ? try facts(f.value("facts")) : nil)
        case "activity":
            var activities: [AgentActivity] = []
            for entry in try f.array("activities") {
                let a = Fields(entry)
                let name = try a.string("kind")
                guard let kind = AgentActivity.Kind(rawValue: name) else { throw JournalDecodingError(description: "unknown activity kind \(name)") }
                activities.append(AgentActivity(kind, try a.string("text"), turn: a.has("turn") ? try a.int("turn") : nil))
            }
            return .agentActivity(itemID: try f.string("item"), phase: try f.string("phase"), activities: activities)
        case "item_blocked":
            return .itemBlocked(id: try f.string("id"), reason: try f.string("reason"))
        case "item_completed":
            return .itemCompleted(id: try f.string("id"))
        case "breaker":
            return .breakerChanged(count: try f.int("count"), threshold: try f.int("threshold"))
        case "cap":
            return .capUsage(used: try f.int("used"), cap: try f.int("cap"))
        case "halted":
            return .halted(try summary(f.value("summary")))
        case "run_failed":
            return .runFailed(try f.string("message"))
        default:
            throw JournalDecodingError(description: "unknown record kind \(kind)")
        }
    }

    static func params(_ value: JSONValue) throws(JournalDecodingError) -> RunParams {
        let f = Fields(value)
        var filter: ItemFilter?
        if f.has("filter") {
            let criteria = try f.strings("filter")
            do {
                filter = try ItemFilter.parse(criteria)
            } catch {
                throw JournalDecodingError(description: "bad filter: \(error)")
            }
        }
        return RunParams(targets: try f.strings("targets"), filter: filter, cap: try f.int("cap"), autoAdvance: try f.bool("auto_advance"),
                         archivedTargets: Set(try f.strings("archived_targets")), maxCostUSD: f.optionalDouble("max_cost_usd"))
    }

    static func summary(_ value: JSONValue) throws(JournalDecodingError) -> RunSummary {
        let f = Fields(value)
        let haltName = try f.string("halt_reason")
        guard let halt = HaltReason(rawValue: haltName) else { throw JournalDecodingError(description: "unknown halt reason \(haltName)") }
        var reasons: [String: String] = [:]
        for member in f.value("block_reasons").objectMembers ?? [] { reasons[member.key] = member.value.stringValue ?? "" }
        var skipped: [RunSummary.SkippedTarget] = []
        for entry in try f.array("skipped") {
            let s = Fields(entry)
            skipped.append(.init(id: try s.string("id"), reason: try s.string("reason")))
        }
        return RunSummary(phasesExecuted: try f.int("phases_executed"), itemsCompleted: try f.strings("completed"),
                          itemsBlocked: try f.strings("blocked"), blockReasons: reasons, skippedTargets: skipped,
                          followUpsCreated: try f.int("follow_ups_created"), itemsMerged: try f.int("items_merged"), haltReason: halt,
                          filterDisplay: f.optionalString("filter"))
    }
}

/// Typed access to a record's members; a missing or mistyped member names itself.
struct Fields {
    let object: JSONValue

    init(_ object: JSONValue) {
        self.object = object
    }

    func has(_ key: String) -> Bool { object[key] != nil }
    func value(_ key: String) -> JSONValue { object[key] ?? .null }

    private func missing(_ key: String, _ kind: String) -> JournalDecodingError {
        JournalDecodingError(description: "member \"\(key)\" is not \(kind)")
    }

    func string(_ key: String) throws(JournalDecodingError) -> String {
        guard let text = object[key]?.stringValue else { throw missing(key, "a string") }
        return text
    }

    func optionalString(_ key: String) -> String? { object[key]?.stringValue }

    func int64(_ key: String) throws(JournalDecodingError) -> Int64 {
        guard case .number(let text)? = object[key], let number = Int64(text) else { throw missing(key, "an integer") }
        return number
    }

    func int(_ key: String) throws(JournalDecodingError) -> Int { Int(try int64(key)) }

    func double(_ key: String) throws(JournalDecodingError) -> Double {
        guard let number = optionalDouble(key) else { throw missing(key, "a number") }
        return number
    }

    func optionalDouble(_ key: String) -> Double? {
        guard case .number(let text)? = object[key] else { return nil }
        return Double(text)
    }

    func bool(_ key: String) throws(JournalDecodingError) -> Bool {
        guard case .bool(let flag)? = object[key] else { throw missing(key, "a boolean") }
        return flag
    }

    func array(_ key: String) throws(JournalDecodingError) -> [JSONValue] {
        guard case .array(let values)? = object[key] else { throw missing(key, "an array") }
        return values
    }

    func strings(_ key: String) throws(JournalDecodingError) -> [String] {
        var result: [String] = []
        for value in try array(key) {
            guard let text = value.stringValue else { throw missing(key, "an array of strings") }
            result.append(text)
        }
        return result
    }

    func optionalInts(_ key: String) -> [Int] {
        guard case .array(let values)? = object[key] else { return [] }
        return values.compactMap { if case .number(let text) = $0 { Int(text) } else { nil } }
    }
}

extension LogLevel {
    /// `error`, `warn`, `info` or `debug`: what `LogLevel(parsing:)` reads back.
    var name: String {
        switch self {
        case .error: "error"
        case .warn: "warn"
        case .info: "info"
        case .debug: "debug"
        }
    }
}
