import PhaseGolemCore
@testable import PhaseGolemTUI

/// Sample inputs and states shared by the reducer and snapshot tests.
enum Sample {
    static let phases = ["research", "design", "plan", "build", "review", "test", "ship"]

    static let items: [TUIInput.Item] = [
        .init(id: "WRK-001", title: "Add login rate limiting", status: "ready", phases: phases),
        .init(id: "WRK-002", title: "Refactor the store writer for atomic renames", status: "in_progress", phase: "build", phases: phases),
        .init(id: "WRK-003", title: "Document the config schema", status: "scoping", phases: phases),
        .init(id: "WRK-004", title: "Fix flaky CI on arm64", status: "ready", phases: phases),
        .init(id: "WRK-005", title: "Already shipped thing", status: "done", phases: phases, actionable: false),
        .init(id: "WRK-006", title: "Upgrade dependencies", status: "new", phases: phases),
    ]

    static func input(targets: [String] = ["WRK-001", "WRK-002", "WRK-003", "WRK-004", "WRK-006"],
                      errors: [PreflightError] = [], colors: Bool = true, unicode: Bool = true) -> TUIInput {
        TUIInput(projectName: "acme-api", agentDescription: "Claude CLI (model: default)",
                 params: RunParams(targets: targets, cap: 100, autoAdvance: true), items: items,
                 preflightErrors: errors, maxRetries: 2, phaseTimeoutMinutes: 30, breakerThreshold: 2,
                 defaultPhases: phases, colors: colors, unicode: unicode)
    }

    static let preflightErrors = [
        PreflightError(condition: "Workflow file not found: .claude/skills/build.md", location: "phase-golem.toml → pipelines.feature.phases[3]",
                       fix: "Create the file or fix the path"),
        PreflightError(condition: "WRK-003 depends on WRK-999, which does not exist", location: ".task-golem/tasks.jsonl",
                       fix: "Remove the dependency or create WRK-999"),
    ]

    /// A run in the middle: done, blocked, running, pending and skipped targets, and log lines.
    /// - Parameter size: the terminal size, given before launch as the app does.
    static func midRun(colors: Bool = true, unicode: Bool = true, size: (width: Int, height: Int)? = nil) -> ViewState {
        var state = ViewState(input: input(colors: colors, unicode: unicode))
        if let size { ViewReducer.resize(&state, width: size.width, height: size.height) }
        ViewReducer.tick(&state, now: 1000)
        _ = ViewReducer.reduce(&state, key: .enter, now: 1000)
        let events: [(Double, SchedulerEvent)] = [
            (1000, .runStarted(state.params)),
            (1000, .log(.info, "--- Phase Golem ---")),
            (1001, .targetStarted(id: "WRK-001", index: 0, total: 5)),
            (1001, .phaseStarted(itemID: "WRK-001", phase: "build", attempt: 1, maxAttempts: 3, isDestructive: true)),
            (1002, .agentOutput(itemID: "WRK-001", phase: "build", lines: [
                AgentOutputLine(stream: .stdout, text: "Reading src/auth/limiter.swift"),
                AgentOutputLine(stream: .stdout, text: "\u{1B}[31mEditing\u{1B}[0m 3 files\u{1B}]0;pwned\u{07}"),
            ])),
            (1200, .targetCompleted(id: "WRK-001", index: 0, total: 5)),
            (1200, .itemCompleted(id: "WRK-001")),
            (1201, .targetStarted(id: "WRK-002", index: 1, total: 5)),
            (1201, .phaseStarted(itemID: "WRK-002", phase: "review", attempt: 1, maxAttempts: 3, isDestructive: false)),
            (1300, .itemBlocked(id: "WRK-002", reason: "Review found a data race in StoreWriter.flush")),
            (1300, .targetBlocked(id: "WRK-002", index: 1, total: 5, reason: "Review found a data race in StoreWriter.flush",
                                  autoAdvancing: true, next: "WRK-003")),
            (1300, .log(.warn, "[WRK-002] Blocked: Review found a data race; auto-advancing to WRK-003")),
            (1300, .targetSkipped(id: "WRK-004", index: 3, total: 5, reason: "already done")),
            (1301, .targetStarted(id: "WRK-003", index: 2, total: 5)),
            (1301, .phaseStarted(itemID: "WRK-003", phase: "build", attempt: 2, maxAttempts: 3, isDestructive: true)),
            (1302, .agentOutput(itemID: "WRK-003", phase: "build", lines: (1...30).map {
                AgentOutputLine(stream: .stdout, text: "build step \($0): compiling module \($0)")
            })),
            (1303, .log(.error, "[WRK-003][build] attempt 1 failed: timeout")),
            (1303, .capUsage(used: 7, cap: 100)),
            (1303, .breakerChanged(count: 1, threshold: 2)),
        ]
        for (time, event) in events {
            ViewReducer.tick(&state, now: time)
            ViewReducer.reduce(&state, event: event)
        }
        ViewReducer.tick(&state, now: 1385.25)
        return state
    }

    /// A run driven by Claude in stream-json: costs per row and in the header (with a
    /// budget), the running row's life (last tool call, turn, silence), activity lines in the log.
    static func claudeRun() -> ViewState {
        var state = ViewState(input: input())
        ViewReducer.tick(&state, now: 1000)
        _ = ViewReducer.reduce(&state, key: .enter, now: 1000)
        state.params.maxCostUSD = 5
        let first = AgentRunFacts(costUSD: 0.84, inputTokens: 20_000, outputTokens: 12_000, cacheReadTokens: 380_000,
                                  cacheCreationTokens: 0, turns: 14, durationMs: 192_000)
        let events: [(Double, SchedulerEvent)] = [
            (1000, .runStarted(state.params)),
            (1001, .targetStarted(id: "WRK-001", index: 0, total: 5)),
            (1001, .phaseStarted(itemID: "WRK-001", phase: "build", attempt: 1, maxAttempts: 3, isDestructive: true)),
            (1193, .phaseFinished(itemID: "WRK-001", phase: "build", outcome: .complete, detail: "ok", facts: first)),
            (1200, .targetCompleted(id: "WRK-001", index: 0, total: 5)),
            (1201, .targetStarted(id: "WRK-002", index: 1, total: 5)),
            (1201, .phaseStarted(itemID: "WRK-002", phase: "review", attempt: 1, maxAttempts: 3, isDestructive: false)),
            (1240, .agentActivity(itemID: "WRK-002", phase: "review", activities: [
                AgentActivity(.start, "Claude Code 2.1.327 · claude-opus-5-5 · session 081e1187"),
                AgentActivity(.text, "I will read the writer first.", turn: 1),
                AgentActivity(.tool, "Read Sources/Store/StoreWriter.swift", turn: 1),
                AgentActivity(.tool, "Bash: swift test --filter StoreWriterTests", turn: 2),
                AgentActivity(.toolFailed, "Bash failed: error: data race detected …", turn: 2),
                AgentActivity(.retry, "API retry 3/10 in 4 s: 529 overloaded", turn: 3),
                AgentActivity(.tool, "Grep \"flush(\" in Sources", turn: 3),
            ])),
            (1250, .agentActivity(itemID: "WRK-002", phase: "review", activities: [
                AgentActivity(.tool, "Edit Sources/Store/StoreWriter.swift", turn: 4),
            ])),
            (1250, .capUsage(used: 2, cap: 100)),
        ]
        for (time, event) in events {
            ViewReducer.tick(&state, now: time)
            ViewReducer.reduce(&state, event: event)
        }
        ViewReducer.tick(&state, now: 1275)
        return state
    }

    /// `claudeRun` to its halt at the budget, WRK-002's phase having reported its cost too.
    static func claudeSummary() -> ViewState {
        var state = claudeRun()
        let second = AgentRunFacts(costUSD: 4.31, inputTokens: 40_000, outputTokens: 30_000, cacheReadTokens: 1_200_000,
                                   cacheCreationTokens: 10_000, turns: 31, durationMs: 900_000)
        ViewReducer.tick(&state, now: 1300)
        ViewReducer.reduce(&state, event: .phaseFinished(itemID: "WRK-002", phase: "review", outcome: .complete, detail: "ok",
                                                         facts: second))
        let summary = RunSummary(phasesExecuted: 2, itemsCompleted: ["WRK-001"], haltReason: .budgetExhausted,
                                 targetFacts: ["WRK-001": state.run.rows[0].facts ?? AgentRunFacts(), "WRK-002": second],
                                 maxCostUSD: 5)
        ViewReducer.tick(&state, now: 1310)
        ViewReducer.reduce(&state, event: .halted(summary))
        return state
    }

    static func summaryState(blocked: Bool) -> ViewState {
        var state = midRun()
        let summary: RunSummary
        if blocked {
            summary = RunSummary(phasesExecuted: 9, itemsCompleted: ["WRK-001"], itemsBlocked: ["WRK-002", "WRK-003"],
                                 blockReasons: ["WRK-002": "Review found a data race in StoreWriter.flush",
                                                "WRK-003": "Build failed after 3 attempts"],
                                 skippedTargets: [.init(id: "WRK-004", reason: "already done")], followUpsCreated: 2,
                                 haltReason: .circuitBreakerTripped)
        } else {
            for id in ["WRK-002", "WRK-003", "WRK-004", "WRK-006"] {
                state.run.rows[state.run.rows.firstIndex { $0.id == id } ?? 0].status = .done
            }
            summary = RunSummary(phasesExecuted: 21, itemsCompleted: ["WRK-001", "WRK-002", "WRK-003", "WRK-004", "WRK-006"],
                                 followUpsCreated: 1, haltReason: .targetCompleted)
        }
        ViewReducer.tick(&state, now: 2000)
        ViewReducer.reduce(&state, event: .halted(summary))
        return state
    }
}
