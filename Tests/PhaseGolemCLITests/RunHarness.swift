import Foundation
import PhaseGolemCore
import Testing

/// Scratch projects for `run` scenarios: a git repo, a pipeline whose workflows exist, the
/// scripted fake agent as the agent command, and items in whatever state a scenario needs.
enum RunHarness {
    /// The fake agent script in the repository.
    static var fakeAgent: String {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/fake-agent/claude").path
    }

    /// Pipeline `feature`: pre `research`; main `prd`, `build` (destructive), `review`.
    static func config(prefix: String = "WRK", maxRetries: Int = 0, timeoutMinutes: Double = 1,
                       autoAdvance: Bool? = nil, breaker: Int? = nil, extraExecution: String = "") -> String {
        var execution = "phase_timeout_minutes = \(timeoutMinutes)\nmax_retries = \(maxRetries)\n"
        if let autoAdvance { execution += "auto_advance = \(autoAdvance)\n" }
        if let breaker { execution += "circuit_breaker_threshold = \(breaker)\n" }
        execution += extraExecution
        return """
            [project]
            prefix = "\(prefix)"

            [execution]
            \(execution)
            [agent]
            cli = "command"
            command = ["\(fakeAgent)"]

            [pipelines.feature]
            pre_phases = [{ name = "research", workflows = ["wf/research.md"] }]
            phases = [
                { name = "prd", workflows = ["wf/prd.md"] },
                { name = "build", workflows = ["wf/build.md"], is_destructive = true },
                { name = "review", workflows = ["wf/review.md"] },
            ]

            """
    }

    /// One store line. `status` is the phase-golem state; phase and pool are optional.
    static func item(_ id: String, _ title: String = "Item", status: PGStatus, phase: String? = nil, pool: PhasePool? = nil,
                     created: Int = 0, extra: [String: JSONValue] = [:], dependencies: [String] = [], blockedReason: String? = nil) -> String {
        var item = StoreItem(id: id, title: title, now: Timestamp(seconds: 1_767_225_600 + Int64(created), nanoseconds: 0))
        let now = item.createdAt
        if status == .blocked {
            item.setPGStatus(.ready, now: now)
            _ = item.block(reason: blockedReason ?? "Blocked before the run", now: now)
        } else {
            item.setPGStatus(status, now: now)
        }
        if let phase { item.setPhase(phase, now: now) }
        if let pool { item.setPhasePool(pool, now: now) }
        item.setPipelineType("feature", now: now)
        item.dependencies = dependencies
        for (key, value) in extra { item.setExtension(key, value) }
        return item.canonicalLine(dialect: .v01)
    }

    /// A committed project with the given items and config.
    static func project(items: [String], config: String = RunHarness.config()) throws -> String {
        let root = try CLIHarness.makeProject(config: config, storeLines: items.sorted())
        for name in ["research", "prd", "build", "review"] {
            try FileManager.default.createDirectory(atPath: root + "/wf", withIntermediateDirectories: true)
            try CLIHarness.write("# \(name) workflow\n", to: root + "/wf/\(name).md")
        }
        try CLIHarness.git(["add", "-A"], in: root)
        try CLIHarness.git(["commit", "-q", "-m", "workflows"], in: root)
        return root
    }

    /// The fake agent's script (`.git/fake-agent-script`) and log (`.git/fake-agent-log`) of `root`.
    static func agentEnvironment(_ root: String) -> [String: String] {
        ["FAKE_AGENT_SCRIPT": root + "/.git/fake-agent-script", "FAKE_AGENT_LOG": root + "/.git/fake-agent-log"]
    }

    /// Runs `phase-golem run …` with the fake agent driven by `script` lines.
    static func run(_ arguments: [String], in root: String, script: [String] = [], environment: [String: String] = [:]) throws -> CLIHarness.Result {
        let agent = agentEnvironment(root)
        try CLIHarness.write(script.joined(separator: "\n") + "\n", to: agent["FAKE_AGENT_SCRIPT"] ?? "")
        return try CLIHarness.run(["run"] + arguments, in: root, environment: environment.merging(agent) { _, new in new })
    }

    /// Waits until the fake agent has logged its first start; throws after `timeout` seconds, or
    /// as soon as `alive` says the run it waits for has ended.
    static func waitForAgentStart(_ root: String, timeout: Double = 60, alive: () -> Bool = { true }) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while agentLog(root).isEmpty {
            guard alive() else { throw CLIHarness.HarnessError("the run ended before the agent started") }
            guard Date() < deadline else { throw CLIHarness.HarnessError("no agent started within \(timeout) s") }
            usleep(20_000)
        }
    }

    /// What the fake agent ran, as `ITEM PHASE ATTEMPT` lines.
    static func agentLog(_ root: String) -> [String] {
        ((try? String(contentsOfFile: root + "/.git/fake-agent-log", encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    static func subjects(_ root: String) throws -> [String] {
        try CLIHarness.git(["log", "--reverse", "--format=%s"], in: root).split(separator: "\n").map(String.init)
    }

    static func active(_ root: String) throws -> [String: StoreItem] {
        Dictionary(uniqueKeysWithValues: try TaskStore(root: root).loadActive().items.map { ($0.id, $0) })
    }

    /// After an agent failure halt (docs/decisions.md D14): every one of `ids` is still in
    /// progress, none blocked, and the tree is clean.
    static func expectNothingBlocked(_ root: String, ids: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let items = try active(root)
        for id in ids {
            #expect(items[id]?.pgStatus == .inProgress, "\(id)", sourceLocation: sourceLocation)
            #expect(items[id]?.blockedReason == nil, "\(id)", sourceLocation: sourceLocation)
        }
        #expect(try CLIHarness.git(["status", "--porcelain"], in: root) == "", sourceLocation: sourceLocation)
    }

    static func archived(_ root: String) throws -> [String] {
        try TaskStore(root: root).loadArchive().items.map(\.id)
    }

    /// The summary block's lines, from `--- Run Summary ---` on.
    static func summaryLines(_ stderr: String) -> [String] {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.lastIndex(of: "--- Run Summary ---"),
              let end = lines[start...].firstIndex(where: { $0.hasPrefix("Halt reason: ") }) else { return [] }
        return Array(lines[start...end])
    }
}
