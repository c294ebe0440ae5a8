import ArgumentParser
import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem runs`: the runs the journals remember, newest first (docs/journal.md).
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List past runs (newest first): when, how long, what, the outcome and the cost.",
        discussion: """
            Read from .phase-golem/runs/, where every run keeps its journal (the last \
            execution.keep_runs runs, 100 by default). A run still going on says `Running`; one \
            whose process died without a summary says `Gone`.

            Examples:
              phase-golem runs
              phase-golem runs --json | jq '.[0].halt_reason'
              phase-golem runs show 20261206T160000Z-4242
            """,
        subcommands: [RunsShowCommand.self])

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the runs as a JSON array instead of the table.")
    var json = false

    func run() throws {
        let root = global.root
        let records = RunHistory.runIDs(root: root).compactMap { RunRecord.load(root: root, runID: $0) }
        if json {
            Output.stdout(JSONWriter.canonicalString(.array(records.map(Self.json))) + "\n")
            return
        }
        guard !records.isEmpty else {
            Output.stdout("No runs recorded yet in \(RunHistory.directory(root: root)).\n")
            return
        }
        var rows = [["RUN ID", "STARTED (UTC)", "DURATION", "TARGETS", "DONE", "BLOCKED", "SKIPPED", "PHASES", "COST", "HALT", "EXIT"]]
        for record in records {
            rows.append([record.runID, Self.time(record.header.startedAt), Self.duration(record.durationSeconds), record.scope,
                         String(record.count("done")), String(record.count("blocked")), String(record.count("skipped")),
                         String(record.summary?.phasesExecuted ?? record.phasesStarted), Self.cost(record.facts), record.outcome,
                         record.exitCode.map { String($0) } ?? "-"])
        }
        Output.stdout(Self.table(rows))
    }

    static func json(_ record: RunRecord) -> JSONValue {
        func optional(_ value: Int32?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }
        let state = record.end != nil ? "finished" : (record.gone ? "gone" : "running")
        return .object([
            JSONMember("id", .string(record.runID)),
            JSONMember("started", .string(time(record.header.startedAt))),
            JSONMember("duration_seconds", .number(NumberText.decimal((record.durationSeconds * 1000).rounded() / 1000))),
            JSONMember("targets", .array(record.header.params.targets.map(JSONValue.string))),
            JSONMember("filter", record.header.params.filter.map { .string($0.display) } ?? .null),
            JSONMember("completed", .integer(Int64(record.count("done")))),
            JSONMember("blocked", .integer(Int64(record.count("blocked")))),
            JSONMember("skipped", .integer(Int64(record.count("skipped")))),
            JSONMember("phases", .integer(Int64(record.summary?.phasesExecuted ?? record.phasesStarted))),
            JSONMember("cost_usd", record.facts?.costUSD.map { .number(NumberText.decimal($0)) } ?? .null),
            // When some phases reported no cost: what the others spent (cost_usd is then null).
            JSONMember("cost_usd_at_least", record.facts?.costFloorUSD.map { .number(NumberText.decimal($0)) } ?? .null),
            JSONMember("halt_reason", record.summary.map { .string($0.haltReason.rawValue) } ?? .null),
            JSONMember("error", record.failure.map(JSONValue.string) ?? .null),
            JSONMember("state", .string(state)),
            JSONMember("exit_code", optional(record.exitCode)),
            JSONMember("pid", .integer(Int64(record.header.pid))),
        ])
    }

    /// `2026-12-06 16:00:05`, UTC.
    static func time(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// `42s`, `3m05s`, `2h01m`.
    static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(two(total % 60))s" }
        return "\(total / 3600)h\(two(total / 60 % 60))m"
    }

    /// `$0.42`, `>=$0.42` when some phases reported no cost, or `-` when none did (unknown is
    /// never zero). ASCII: the table is read in any terminal and by scripts.
    static func cost(_ facts: AgentRunFacts?) -> String {
        facts.flatMap { ActivitySummary.spend($0, unicode: false) } ?? "-"
    }

    /// Columns padded to their widest cell, two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].unicodeScalars.count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.indices.map { index in
                let cell = TerminalText.plain(row[index])
                return index == row.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - cell.unicodeScalars.count))
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

/// `phase-golem runs show RUN-ID`: one run's summary and per-target table.
struct RunsShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: its summary and what happened to each target.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The run's id, as `phase-golem runs` lists it.", valueName: "run-id"))
    var runID: String

    func run() throws {
        let root = global.root
        guard !runID.contains("/"), let record = RunRecord.load(root: root, runID: runID) else {
            throw CLIError("No run \(runID) in \(RunHistory.directory(root: root)). `phase-golem runs` lists the runs kept there.")
        }
        var lines = ["Run \(record.runID) (PID \(record.header.pid))",
                     "Started: \(RunsCommand.time(record.header.startedAt)) UTC, \(RunsCommand.duration(record.durationSeconds))",
                     "Targets: \(record.scope)",
                     "Cost: \(RunsCommand.cost(record.facts))",
                     "Outcome: \(record.outcome)" + (record.exitCode.map { ", exit \($0)" } ?? "")]
        if let failure = record.failure { lines.append("Error: \(failure)") }
        if let summary = record.summary { lines += summary.plainLines }
        var out = lines.map(TerminalText.plainLines).joined(separator: "\n") + "\n\n"
        var rows = [["TARGET", "STATUS", "PHASES", "COST", "TITLE", "REASON"]]
        for target in record.targets {
            rows.append([target.id, target.status, String(target.phases), RunsCommand.cost(target.facts), target.title, target.reason ?? ""])
        }
        out += RunsCommand.table(rows)
        Output.stdout(out)
    }
}
