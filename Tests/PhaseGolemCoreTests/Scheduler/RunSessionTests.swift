import Foundation
import Testing
@testable import PhaseGolemCore

/// `RunSession` in process, its agent runner injected (the seam it offers for tests): startup
/// checks, the scheduler, the final commit, the standalone triage.
@Suite("run session: in process")
struct RunSessionTests {
    static let config = """
        [execution]
        max_retries = 0

        [agent]
        cli = "command"
        command = ["/bin/true"]

        [pipelines.feature]
        pre_phases = [{ name = "research", workflows = [] }]
        phases = [{ name = "prd", workflows = [] }, { name = "review", workflows = [] }]

        """

    /// A committed project with `phase-golem.toml`, and a session whose agent is `agent`.
    static func session(items: [StoreItem], script: [String: [ScriptedAgentRunner.Reply]]) throws
        -> (SchedulerHarness, RunSession, EventBus, ScriptedAgentRunner) {
        let project = try SchedulerHarness(items: items)
        try Data(config.utf8).write(to: URL(fileURLWithPath: project.root + "/phase-golem.toml"))
        try SchedulerHarness.git(["add", "-A"], in: project.root)
        try SchedulerHarness.git(["commit", "-q", "-m", "config"], in: project.root)
        let events = EventBus()
        let shutdown = ShutdownFlag()
        let agent = ScriptedAgentRunner(script, shutdown: shutdown)
        let session = RunSession(options: RunOptions(root: project.root, targets: items.map(\.id)), events: events,
                                 shutdown: shutdown, registry: ProcessGroupRegistry()) { _ in agent }
        return (project, session, events, agent)
    }

    @Test("a run: the injected agent does the work, the state is committed, the tree is clean")
    func run() async throws {
        let (project, session, _, agent) = try Self.session(
            items: [SchedulerHarness.item("WRK-0000a", phase: "prd")], script: ["WRK-0000a prd": [.complete("PRD written")]])
        let prepared = try session.prepare()
        #expect(prepared.preflightErrors.isEmpty)
        let summary = try await session.execute(prepared)
        session.finish()
        #expect(summary.haltReason == .targetCompleted)
        #expect(summary.itemsCompleted == ["WRK-0000a"])
        #expect(agent.calls == ["WRK-0000a prd 1", "WRK-0000a review 1"])
        #expect(try project.status() == "")
    }

    @Test("the standalone triage applies follow-ups and merges through the run loop's code (D15)")
    func triage() async throws {
        let reply = ScriptedAgentRunner.Reply.complete("Duplicate").with {
            $0.followUps = [PhaseResult.FollowUp(title: "Write the docs")]
            $0.duplicates = ["WRK-00002"]
        }
        let (project, session, _, agent) = try Self.session(
            items: [SchedulerFixture.item("WRK-00001", .new, pipeline: "feature", created: 1),
                    SchedulerFixture.item("WRK-00002", .new, pipeline: "feature", created: 2)],
            script: ["WRK-00001 triage": [reply]])
        let triaged = try await session.triage()
        session.finish()
        #expect(triaged == 1)
        // WRK-00002 was merged into WRK-00001, so it is not triaged after.
        #expect(agent.calls == ["WRK-00001 triage 1"])
        #expect(try project.archived() == ["WRK-00002"])
        let items = try project.active()
        #expect(items.values.contains { $0.title == "Write the docs" && $0.origin == "WRK-00001/triage" })
        #expect(try project.status() == "")
    }
}
