import Foundation
import Testing
import PhaseGolemCore
@testable import PhaseGolemTUI

/// The journal is the event stream serialized: a watcher folding it rebuilds the view state
/// the run's own TUI built from the live stream (docs/journal.md).
@Suite("journal round trip: watch state == live state")
struct JournalRoundTripTests {
    static let targets = ["WRK-001", "WRK-002", "WRK-004"]

    /// Every event kind, agent output both by reference (with its log written) and inline.
    static func events() -> [SchedulerEvent] {
        let params = RunParams(targets: targets, cap: 100, autoAdvance: true)
        return [
            .log(.info, "[config] Phase cap: 100"),
            .runStarted(params),
            .targetStarted(id: "WRK-001", index: 0, total: 3),
            .itemPromoted(id: "WRK-001", phase: "build"),
            .phaseStarted(itemID: "WRK-001", phase: "build", attempt: 1, maxAttempts: 3, isDestructive: true),
            .agentOutput(itemID: "WRK-001", phase: "build", lines: [
                AgentOutputLine(stream: .stdout, text: "compiling", logOffset: 0, logBytes: 10),
                AgentOutputLine(stream: .stderr, text: "warning: \u{1B}[31mred", logOffset: 10, logBytes: 9 + 17 + 1),
            ]),
            .agentActivity(itemID: "WRK-001", phase: "build", activities: [AgentActivity(.tool, "Bash: swift test", turn: 1)]),
            .phaseFinished(itemID: "WRK-001", phase: "build", outcome: .complete, detail: "built", facts: AgentRunFacts(costUSD: 0.5)),
            .capUsage(used: 1, cap: 100),
            .itemCompleted(id: "WRK-001"),
            .targetCompleted(id: "WRK-001", index: 0, total: 3),
            .targetStarted(id: "WRK-002", index: 1, total: 3),
            .phaseStarted(itemID: "WRK-002", phase: "review", attempt: 1, maxAttempts: 1, isDestructive: false),
            .agentOutput(itemID: "WRK-002", phase: "review", lines: [AgentOutputLine(stream: .stdout, text: "inline line")]),
            .phaseFinished(itemID: "WRK-002", phase: "review", outcome: .blocked, detail: "needs a decision", facts: nil),
            .breakerChanged(count: 1, threshold: 2),
            .itemBlocked(id: "WRK-002", reason: "needs a decision"),
            .targetBlocked(id: "WRK-002", index: 1, total: 3, reason: "needs a decision", autoAdvancing: true, next: "WRK-004"),
            .targetSkipped(id: "WRK-004", index: 2, total: 3, reason: "already done"),
            .log(.warn, "a warning"),
            .halted(RunSummary(phasesExecuted: 2, itemsCompleted: ["WRK-001"], itemsBlocked: ["WRK-002"],
                               blockReasons: ["WRK-002": "needs a decision"], skippedTargets: [.init(id: "WRK-004", reason: "already done")],
                               haltReason: .targetCompleted)),
        ]
    }

    @Test func aWatcherRebuildsTheLiveStateFromTheJournal() async throws {
        let root = NSTemporaryDirectory() + "pg-roundtrip-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let runID = "20261206T160000Z-1"
        let logs = AgentLogResolver(root: root, runID: runID)
        try FileManager.default.createDirectory(atPath: logs.logDirectory, withIntermediateDirectories: true)
        try "compiling\n[stderr] warning: \u{1B}[31mred\n".write(toFile: logs.logDirectory + "/WRK-001_build_1.log", atomically: true, encoding: .utf8)

        let input = Sample.input(targets: Self.targets)
        let header = JournalHeader(runID: runID, pid: getpid(), startedAt: 1_800_000_000_000, projectName: input.projectName,
                                   agentDescription: input.agentDescription, params: RunParams(targets: Self.targets, cap: 100, autoAdvance: true),
                                   items: input.items.map { .init(id: $0.id, title: $0.title, status: $0.status, phase: $0.phase, phases: $0.phases) },
                                   defaultPhases: input.defaultPhases, breakerThreshold: input.breakerThreshold, maxRetries: input.maxRetries,
                                   phaseTimeoutMinutes: input.phaseTimeoutMinutes)
        let bus = EventBus()
        let journal = RunJournal(root: root, runID: runID, events: bus.subscribe())
        journal.open(header, keepRuns: 100)
        let live = Self.events()
        for event in live { bus.publish(event) }
        bus.finish()
        #expect(await journal.finish() == nil)

        let records = JournalReader(path: RunHistory.journalPath(root: root, runID: runID)).poll()
        var replayed: [(Double, SchedulerEvent)] = []
        for timed in records {
            let time = Double(timed.time) / 1000
            switch timed.record {
            case .event(let event): replayed.append((time, event))
            case .output(let item, let phase, let source): replayed.append((time, logs.event(itemID: item, phase: phase, source: source)))
            case .header, .end: break
            }
        }
        #expect(replayed.count == live.count)

        // The run's own TUI: launched from its launch screen, fed the live events at the times the journal gave them.
        var liveState = ViewState(input: input)
        ViewReducer.tick(&liveState, now: Double(header.startedAt) / 1000)
        _ = ViewReducer.reduce(&liveState, key: .enter, now: Double(header.startedAt) / 1000)
        var watchState = ViewState(watching: header, colors: true, unicode: true)
        for (index, event) in live.enumerated() {
            let (time, rebuilt) = replayed[index]
            ViewReducer.tick(&liveState, now: time)
            ViewReducer.reduce(&liveState, event: event)
            ViewReducer.tick(&watchState, now: time)
            ViewReducer.reduce(&watchState, event: rebuilt)
            if index == live.count - 2 { Self.expectSame(liveState, watchState, screen: "run") }
        }
        Self.expectSame(liveState, watchState, screen: "summary")
        #expect(watchState.run.log.lines.contains { $0.text == "compiling" && $0.itemID == "WRK-001" })
    }

    static func expectSame(_ live: ViewState, _ watched: ViewState, screen: String) {
        #expect(live.run == watched.run, "\(screen): run state differs")
        #expect(live.summary == watched.summary)
        #expect(live.screen == watched.screen)
        // Drawn the same, footer keys aside (the watcher's are its own).
        var shown = watched
        shown.watching = false
        for (width, height) in [(80, 24), (120, 40)] {
            #expect(Renderer.render(live, width: width, height: height).snapshot == Renderer.render(shown, width: width, height: height).snapshot,
                    "\(screen) \(width)x\(height) drawn differently")
        }
    }
}
