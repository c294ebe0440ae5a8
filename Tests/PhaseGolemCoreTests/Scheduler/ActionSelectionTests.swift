import Testing
@testable import PhaseGolemCore

/// Normal action selection (docs/compatibility.md#choosing-what-runs-next).
@Suite("Action selection")
struct ActionSelectionTests {
    typealias Fx = SchedulerFixture

    // MARK: Nothing to do

    @Test("An empty backlog yields no actions")
    func emptyBacklog() {
        #expect(Fx.select([]).isEmpty)
    }

    @Test("Only Done or only Blocked items yield no actions", arguments: [PGStatus.done, .blocked])
    func terminalOnly(status: PGStatus) {
        let items = [Fx.item("WRK-001", status, phase: "prd", pool: .main), Fx.item("WRK-002", status)]
        #expect(Fx.select(items).isEmpty)
    }

    @Test("A running destructive task blocks every action, promotions included")
    func destructiveRunningBlocksAll() {
        let items = [Fx.item("WRK-001", .ready), Fx.working("WRK-002", at: "prd"), Fx.item("WRK-003")]
        let actions = Fx.select(items, running: [Fx.running("WRK-009", "build", destructive: true)], maxConcurrent: 5)
        #expect(actions.isEmpty)
    }

    @Test("No free slot means no actions at all, not even promotions")
    func noSlotsNoPromotions() {
        let items = [Fx.item("WRK-001", .ready), Fx.item("WRK-002")]
        #expect(Fx.select(items, running: [Fx.running("WRK-009")], maxWip: 3, maxConcurrent: 1).isEmpty)
        #expect(Fx.select(items, maxConcurrent: 0).isEmpty)
    }

    // MARK: Promotions

    @Test("Ready items are promoted under max_wip, high impact first")
    func promotesHighImpactFirst() {
        let items = [Fx.item("WRK-001", .ready, impact: .low, created: 1), Fx.item("WRK-002", .ready, impact: .high, created: 2)]
        #expect(Fx.select(items) == [.promote("WRK-002"), .promote("WRK-001")])
    }

    @Test("Promotion order: high > medium > low > absent, then created_at, then input order")
    func promotionOrdering() {
        let items = [
            Fx.item("WRK-001", .ready, impact: .low, created: 1),
            Fx.item("WRK-002", .ready, created: 0),
            Fx.item("WRK-003", .ready, impact: .high, created: 9),
            Fx.item("WRK-004", .ready, impact: .medium, created: 5),
            Fx.item("WRK-005", .ready, impact: .high, created: 3),
            Fx.item("WRK-006", .ready, impact: .medium, created: 5),
        ]
        #expect(Fx.select(items, maxWip: 10) == ["WRK-005", "WRK-003", "WRK-004", "WRK-006", "WRK-001", "WRK-002"].map { .promote($0) })
    }

    @Test("Promotions stop at max_wip minus the InProgress count", arguments: [
        (maxWip: 2, inProgress: 2, expected: 0),
        (maxWip: 2, inProgress: 3, expected: 0),
        (maxWip: 3, inProgress: 1, expected: 2),
        (maxWip: 5, inProgress: 0, expected: 3),
        (maxWip: 0, inProgress: 0, expected: 0),
    ])
    func promotionsNeeded(maxWip: Int, inProgress: Int, expected: Int) {
        var items = (0..<3).map { Fx.item("WRK-R\($0)", .ready, created: Int64($0)) }
        items += (0..<inProgress).map { Fx.working("WRK-P\($0)", at: "prd") }
        let promotions = Fx.select(items, maxWip: maxWip, maxConcurrent: 10).filter(\.isPromotion)
        #expect(promotions == (0..<expected).map { .promote("WRK-R\($0)") })
    }

    @Test("Blocked items do not count toward WIP")
    func blockedNotCountedAsWip() {
        var blocked = Fx.working("WRK-001", at: "prd")
        blocked.apply(.setBlocked("stuck"), now: fixedNow)
        let items = [blocked, Fx.item("WRK-002", .ready)]
        #expect(Fx.select(items, maxWip: 1) == [.promote("WRK-002")])
    }

    @Test("Promotions do not use a slot: max_concurrent 1 still runs one phase")
    func promotionsDoNotConsumeSlots() {
        let items = [Fx.item("WRK-001", .ready), Fx.item("WRK-002", .ready, created: 1), Fx.working("WRK-003", at: "prd")]
        #expect(Fx.select(items, maxWip: 3, maxConcurrent: 1) == [.promote("WRK-001"), .promote("WRK-002"), Fx.run("WRK-003", "prd")])
    }

    // MARK: Candidate ordering

    @Test("InProgress items advance furthest first")
    func advanceFurthestFirst() {
        let items = [Fx.working("WRK-001", at: "prd"), Fx.working("WRK-002", at: "spec", created: 5)]
        #expect(Fx.select(items) == [Fx.run("WRK-002", "spec"), Fx.run("WRK-001", "prd")])
    }

    @Test("Equal phase index breaks ties by created_at, then by input order")
    func phaseTieBreak() {
        let items = [
            Fx.working("WRK-001", at: "prd", created: 5),
            Fx.working("WRK-002", at: "prd", created: 3),
            Fx.working("WRK-003", at: "prd", created: 5),
        ]
        #expect(Fx.select(items) == [Fx.run("WRK-002", "prd"), Fx.run("WRK-001", "prd"), Fx.run("WRK-003", "prd")])
    }

    @Test("Every InProgress candidate comes before every Scoping one, whatever the phase index")
    func inProgressBeforeScoping() {
        let items = [
            Fx.item("WRK-001", .scoping, phase: "review", pool: .main, created: 0),
            Fx.item("WRK-002", .scoping, phase: "research", pool: .pre, created: 1),
            Fx.working("WRK-003", at: "prd", created: 2),
        ]
        #expect(Fx.select(items) == [
            Fx.run("WRK-003", "prd"), Fx.run("WRK-001", "review"), Fx.run("WRK-002", "research", pool: .pre),
        ])
    }

    @Test("Scoping items sort by phase index too: a later pre-phase first")
    func scopingOrdering() {
        let pipelines = ["feature": PipelineConfig(
            prePhases: [PhaseConfig(name: "research"), PhaseConfig(name: "scope")],
            phases: [PhaseConfig(name: "prd")])]
        let items = [
            Fx.item("WRK-001", .scoping, phase: "research", pool: .pre, created: 0),
            Fx.item("WRK-002", .scoping, phase: "scope", pool: .pre, created: 1),
        ]
        #expect(Fx.select(items, pipelines: pipelines) == [
            Fx.run("WRK-002", "scope", pool: .pre), Fx.run("WRK-001", "research", pool: .pre),
        ])
    }

    @Test("Phase index: pre position; main after all pre-phases; unknown is 0", arguments: [
        (phase: "research", pool: PhasePool?.some(.pre), pipeline: String?.none, expected: 0),
        (phase: "research", pool: .none, pipeline: .none, expected: 1),
        (phase: "prd", pool: .some(.main), pipeline: .none, expected: 1),
        (phase: "prd", pool: .none, pipeline: .none, expected: 1),
        (phase: "spec", pool: .some(.main), pipeline: .none, expected: 4),
        (phase: "review", pool: .some(.main), pipeline: .none, expected: 6),
        (phase: "prd", pool: .some(.pre), pipeline: .none, expected: 0),
        (phase: "nope", pool: .some(.main), pipeline: .none, expected: 1),
        (phase: "review", pool: .some(.main), pipeline: .some("missing"), expected: 0),
    ])
    func phaseIndex(phase: String, pool: PhasePool?, pipeline: String?, expected: Int) {
        let item = Fx.item("WRK-001", .inProgress, phase: phase, pool: pool, pipeline: pipeline)
        #expect(ActionSelection.phaseIndex(of: item, pipelines: Fx.pipelines) == expected)
    }

    @Test("A phaseless item has phase index 0")
    func phaseIndexWithoutPhase() {
        #expect(ActionSelection.phaseIndex(of: Fx.item("WRK-001", .inProgress), pipelines: Fx.pipelines) == 0)
    }

    @Test("Triage comes after phase work, New items oldest first")
    func triageLast() {
        let items = [Fx.item("WRK-001", created: 5), Fx.item("WRK-002", created: 2), Fx.working("WRK-003", at: "prd", created: 9)]
        #expect(Fx.select(items) == [Fx.run("WRK-003", "prd"), .triage("WRK-002"), .triage("WRK-001")])
    }

    @Test("A New item is triaged only when slots remain after higher-priority candidates")
    func triageOnlyWithSpareSlots() {
        let items = [
            Fx.item("WRK-001"),
            Fx.item("WRK-002", .scoping, phase: "research", pool: .pre),
            Fx.working("WRK-003", at: "prd"),
        ]
        #expect(Fx.select(items, maxConcurrent: 2) == [Fx.run("WRK-003", "prd"), Fx.run("WRK-002", "research", pool: .pre)])
        #expect(Fx.select(items, maxConcurrent: 3).last == .triage("WRK-001"))
    }

    @Test("A bare New item (as tg add makes it) is triaged")
    func bareItemTriaged() {
        #expect(Fx.select([StoreItem(id: "WRK-001", title: "From tg", now: fixedNow)]) == [.triage("WRK-001")])
    }

    // MARK: Slots

    @Test("max_concurrent 1 with two runnable items gives exactly one executor action")
    func maxConcurrentOne() {
        let items = [Fx.working("WRK-001", at: "prd"), Fx.working("WRK-002", at: "design"), Fx.item("WRK-003")]
        #expect(Fx.select(items, maxConcurrent: 1) == [Fx.run("WRK-002", "design")])
    }

    @Test("Running non-destructive tasks use up slots", arguments: [(running: 0, expected: 3), (running: 1, expected: 2), (running: 2, expected: 1)])
    func runningUsesSlots(running: Int, expected: Int) {
        let items = (0..<4).map { Fx.working("WRK-00\($0)", at: "prd", created: Int64($0)) }
        let tasks = (0..<running).map { Fx.running("WRK-R\($0)") }
        #expect(Fx.select(items, running: tasks).count == expected)
    }

    @Test("Items already running are skipped")
    func runningItemsSkipped() {
        let items = [Fx.working("WRK-001", at: "spec"), Fx.working("WRK-002", at: "prd"), Fx.item("WRK-003"), Fx.item("WRK-004", .ready)]
        let running = [Fx.running("WRK-001", "spec"), Fx.running("WRK-003", "triage"), Fx.running("WRK-004")]
        #expect(Fx.select(items, running: running, maxWip: 5, maxConcurrent: 5) == [Fx.run("WRK-002", "prd")])
    }

    // MARK: Destructive exclusivity

    @Test("A destructive phase that sorts first is the only executor action")
    func destructiveExclusive() {
        let items = [Fx.working("WRK-001", at: "prd"), Fx.working("WRK-002", at: "build"), Fx.item("WRK-003")]
        #expect(Fx.select(items) == [Fx.run("WRK-002", "build", destructive: true)])
    }

    @Test("Promotions may precede a destructive action")
    func promotionsThenDestructive() {
        let items = [Fx.item("WRK-001", .ready), Fx.working("WRK-002", at: "build"), Fx.working("WRK-003", at: "prd")]
        #expect(Fx.select(items, maxWip: 3) == [.promote("WRK-001"), Fx.run("WRK-002", "build", destructive: true)])
    }

    @Test("A destructive candidate that cannot be appended stops selection")
    func destructiveBehindOthersStops() {
        // `setup` is destructive but early, so a non-destructive phase sorts ahead of it.
        let pipelines = ["feature": PipelineConfig(phases: [
            PhaseConfig(name: "setup", isDestructive: true), PhaseConfig(name: "write"), PhaseConfig(name: "review"),
        ])]
        let items = [
            Fx.working("WRK-001", at: "write"),
            Fx.working("WRK-002", at: "setup"),
            Fx.item("WRK-003", .scoping, phase: "write", pool: .main),
            Fx.item("WRK-004"),
        ]
        #expect(Fx.select(items, maxConcurrent: 5, pipelines: pipelines) == [Fx.run("WRK-001", "write")])
    }

    @Test("A pending destructive phase waits for running tasks; nothing behind it starts meanwhile")
    func destructivePendingBlocksOthers() {
        let items = [Fx.working("WRK-001", at: "build"), Fx.working("WRK-003", at: "prd"), Fx.item("WRK-004")]
        #expect(Fx.select(items, running: [Fx.running("WRK-009", "design")]).isEmpty)
    }

    @Test("A destructive phase is not started while a task is running, even with spare slots")
    func noDestructiveWhileRunning() {
        let actions = Fx.select([Fx.working("WRK-001", at: "build")], running: [Fx.running("WRK-002")], maxConcurrent: 5)
        #expect(actions.isEmpty)
    }

    @Test("With nothing else to do, a destructive phase runs")
    func destructiveAlone() {
        #expect(Fx.select([Fx.working("WRK-001", at: "build")], pipelines: Fx.simplePipelines)
            == [Fx.run("WRK-001", "build", destructive: true)])
    }

    // MARK: What is never scheduled

    @Test("Items with no phase, an unknown pipeline or an unknown phase are never scheduled", arguments: [PGStatus.inProgress, .scoping])
    func unschedulable(status: PGStatus) {
        let items = [
            Fx.item("WRK-001", status),
            Fx.item("WRK-002", status, phase: "prd", pool: .main, pipeline: "missing"),
            Fx.item("WRK-003", status, phase: "nope", pool: .main),
            Fx.item("WRK-004", status, phase: "nope", pool: .pre),
        ]
        #expect(Fx.select(items, maxConcurrent: 10).isEmpty)
    }

    @Test("Ready items are promoted, never run; Done and Blocked items are ignored")
    func statusesOutsideCandidates() {
        let items = [Fx.item("WRK-001", .ready, phase: "prd", pool: .main), Fx.item("WRK-002", .done, phase: "prd", pool: .main)]
        #expect(Fx.select(items, maxWip: 0).isEmpty)
    }

    // MARK: Action contents

    @Test("The action carries the item's pool (absent → main) and the phase's destructive flag", arguments: [
        (phase: "research", pool: PhasePool?.some(.pre), expected: Fx.run("WRK-001", "research", pool: .pre)),
        (phase: "research", pool: .none, expected: Fx.run("WRK-001", "research", pool: .main)),
        (phase: "build", pool: .none, expected: Fx.run("WRK-001", "build", destructive: true)),
        (phase: "review", pool: .some(.main), expected: Fx.run("WRK-001", "review")),
    ])
    func actionContents(phase: String, pool: PhasePool?, expected: SchedulerAction) {
        #expect(Fx.select([Fx.item("WRK-001", .inProgress, phase: phase, pool: pool)]) == [expected])
    }

    @Test("An item's own pipeline type selects its pipeline")
    func itemPipeline() {
        var pipelines = Fx.pipelines
        pipelines["blog"] = PipelineConfig(phases: [PhaseConfig(name: "draft", isDestructive: true), PhaseConfig(name: "edit")])
        let items = [Fx.item("WRK-001", .inProgress, phase: "draft", pool: .main, pipeline: "blog")]
        #expect(Fx.select(items, pipelines: pipelines) == [Fx.run("WRK-001", "draft", destructive: true)])
    }

    // MARK: Filter mode

    @Test("In filter mode WIP and dependencies see only the filtered items")
    func filterModeScope() throws {
        let items = [
            Fx.working("WRK-001", at: "prd"),
            Fx.item("WRK-002", .ready, impact: .high, dependencies: ["WRK-003"]),
            Fx.item("WRK-003", .ready, impact: .low),
        ]
        // Unfiltered: WIP is full and WRK-002 waits on WRK-003.
        #expect(Fx.select(items, maxWip: 1).filter(\.isPromotion).isEmpty)
        let filter = try ItemFilter.parse(["impact=high"])
        #expect(Fx.select(filter.apply(to: items), maxWip: 1) == [.promote("WRK-002")])
    }

    @Test("SchedulerAction descriptions match the Scheduling log line")
    func actionDescriptions() {
        #expect(SchedulerAction.promote("WRK-001").description == "promote WRK-001")
        #expect(SchedulerAction.triage("WRK-001").description == "triage WRK-001")
        #expect(Fx.run("WRK-001", "build", destructive: true).description == "WRK-001 → build")
        #expect(Fx.run("WRK-001", "build", destructive: true).isDestructive)
        #expect(!SchedulerAction.triage("WRK-001").isDestructive)
        #expect(!Fx.run("WRK-001", "build").isPromotion)
    }
}
