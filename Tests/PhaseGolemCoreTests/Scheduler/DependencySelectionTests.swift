import Testing
@testable import PhaseGolemCore

/// Dependencies in selection and the unmet-dependency diagnostics (docs/compatibility.md#items-and-statuses, docs/compatibility.md#the-run-loop step 7).
@Suite("Dependency selection")
struct DependencySelectionTests {
    typealias Fx = SchedulerFixture

    @Test("A Ready item is promoted only when every present dependency is Done", arguments: [
        (dependencyStatuses: [PGStatus.ready], promoted: false),
        (dependencyStatuses: [.done], promoted: true),
        (dependencyStatuses: [], promoted: true),
        (dependencyStatuses: [.done, .ready], promoted: false),
        (dependencyStatuses: [.blocked], promoted: false),
        (dependencyStatuses: [.inProgress], promoted: false),
        (dependencyStatuses: [.new], promoted: false),
        (dependencyStatuses: [.scoping], promoted: false),
    ])
    func promotionGate(dependencyStatuses: [PGStatus], promoted: Bool) {
        let dependencies = dependencyStatuses.indices.map { "WRK-D\($0)" }
        var items = [Fx.item("WRK-001", .ready, created: 0, dependencies: dependencies)]
        items += zip(dependencies, dependencyStatuses).map { Fx.item($0, $1, created: 1) }
        let actions = Fx.select(items, maxWip: 10, maxConcurrent: 1)
        #expect(actions.contains(.promote("WRK-001")) == promoted)
    }

    @Test("A dependency missing from the items (archived) is met")
    func absentDependencyMet() {
        let items = [Fx.item("WRK-001", .ready, dependencies: ["WRK-999"])]
        #expect(Fx.select(items) == [.promote("WRK-001")])
    }

    @Test("Unmet dependencies keep InProgress, Scoping and New items from running", arguments: [
        Fx.working("WRK-001", at: "prd", dependencies: ["WRK-002"]),
        Fx.item("WRK-001", .scoping, phase: "research", pool: .pre, dependencies: ["WRK-002"]),
        Fx.item("WRK-001", .new, dependencies: ["WRK-002"]),
    ])
    func unmetBlocksCandidates(item: StoreItem) {
        let dependency = Fx.item("WRK-002", .blocked)
        #expect(Fx.select([item, dependency]).isEmpty)
        var done = dependency
        done.setPGStatus(.done, now: fixedNow)
        #expect(Fx.select([item, done]).count == 1)
    }

    @Test("A Ready item waiting on a dependency does not use up a promotion")
    func unmetDoesNotConsumeWip() {
        let items = [
            Fx.item("WRK-001", .ready, impact: .high, dependencies: ["WRK-003"]),
            Fx.item("WRK-002", .ready, impact: .low),
            Fx.item("WRK-003", .blocked),
        ]
        #expect(Fx.select(items, maxWip: 1) == [.promote("WRK-002")])
    }

    @Test("Numeric and hex ids resolve alike", arguments: [(PGStatus.done, true), (.ready, false)])
    func mixedIDFormats(status: PGStatus, promoted: Bool) {
        let items = [Fx.item("WRK-001", .ready, dependencies: ["WRK-a1b2c"]), Fx.item("WRK-a1b2c", status)]
        #expect(Fx.select(items).contains(.promote("WRK-001")) == promoted)
    }

    // MARK: Diagnostics

    @Test("Summary lists only the unmet dependencies, in declaration order, with Debug status names")
    func summaryText() {
        let items = [
            Fx.item("WRK-001", dependencies: ["WRK-003", "WRK-004", "WRK-999", "WRK-002"]),
            Fx.item("WRK-002", .ready),
            Fx.item("WRK-003", .inProgress),
            Fx.item("WRK-004", .done),
        ]
        #expect(ActionSelection.unmetDependencySummary(for: items[0], among: items) == "WRK-003 (InProgress), WRK-002 (Ready)")
        #expect(ActionSelection.unmetDependencies(of: items[0], among: items).map(\.id) == ["WRK-003", "WRK-002"])
    }

    @Test("Summary is nil when all dependencies are Done or absent")
    func summaryNil() {
        let items = [Fx.item("WRK-001", dependencies: ["WRK-002", "WRK-999"]), Fx.item("WRK-002", .done)]
        #expect(ActionSelection.unmetDependencySummary(for: items[0], among: items) == nil)
        #expect(ActionSelection.unmetDependencySummary(for: Fx.item("WRK-005"), among: items) == nil)
        #expect(ActionSelection.unmetDependencySummary(items: items) == nil)
    }

    @Test("Single and multiple unmet dependencies", arguments: [
        (statuses: [PGStatus.ready], expected: "WRK-002 (Ready)"),
        (statuses: [.ready, .inProgress], expected: "WRK-002 (Ready), WRK-003 (InProgress)"),
        (statuses: [.new, .scoping, .blocked], expected: "WRK-002 (New), WRK-003 (Scoping), WRK-004 (Blocked)"),
    ])
    func summaryPieces(statuses: [PGStatus], expected: String) {
        let ids = statuses.indices.map { "WRK-00\($0 + 2)" }
        let items = [Fx.item("WRK-001", dependencies: ids)] + zip(ids, statuses).map { Fx.item($0, $1) }
        #expect(ActionSelection.unmetDependencySummary(for: items[0], among: items) == expected)
    }

    @Test("The run-loop line joins every waiting non-Done item with '; '")
    func reportLine() {
        let items = [
            Fx.item("WRK-001", .ready, dependencies: ["WRK-002"]),
            Fx.item("WRK-002", .blocked),
            Fx.item("WRK-003", .done, dependencies: ["WRK-002"]),
            Fx.item("WRK-004", .new, dependencies: ["WRK-001", "WRK-002"]),
        ]
        #expect(ActionSelection.unmetDependencySummary(items: items) ==
            "Items blocked by unmet dependencies: WRK-001 (waiting on: WRK-002 (Blocked)); "
            + "WRK-004 (waiting on: WRK-001 (Ready), WRK-002 (Blocked))")
    }
}

/// Targeted selection for one `--target` (docs/compatibility.md#choosing-what-runs-next).
@Suite("Targeted selection")
struct TargetedSelectionTests {
    typealias Fx = SchedulerFixture

    static func select(_ target: String, _ items: [StoreItem], running: [RunningTask] = [],
                       pipelines: [String: PipelineConfig] = Fx.pipelines) -> [SchedulerAction] {
        ActionSelection.selectTargeted(target: target, items: items, running: running, pipelines: pipelines)
    }

    @Test("Each status of the target maps to its action")
    func actionPerStatus() {
        #expect(Self.select("WRK-001", [Fx.item("WRK-001")]) == [.triage("WRK-001")])
        #expect(Self.select("WRK-001", [Fx.item("WRK-001", .ready)]) == [.promote("WRK-001")])
        #expect(Self.select("WRK-001", [Fx.item("WRK-001", .scoping, phase: "research", pool: .pre)])
            == [Fx.run("WRK-001", "research", pool: .pre)])
        #expect(Self.select("WRK-001", [Fx.working("WRK-001", at: "build")]) == [Fx.run("WRK-001", "build", destructive: true)])
        #expect(Self.select("WRK-001", [Fx.item("WRK-001", .done)]).isEmpty)
        #expect(Self.select("WRK-001", [Fx.item("WRK-001", .blocked, phase: "prd", pool: .main)]).isEmpty)
    }

    @Test("Only the target is considered")
    func onlyTarget() {
        let items = [Fx.working("WRK-001", at: "spec"), Fx.item("WRK-002"), Fx.item("WRK-003", .ready)]
        #expect(Self.select("WRK-002", items) == [.triage("WRK-002")])
        #expect(Self.select("WRK-404", items).isEmpty)
    }

    @Test("Promotion ignores max_wip and running non-destructive work; limits are not consulted")
    func limitsIgnored() {
        let items = [Fx.working("WRK-001", at: "prd"), Fx.working("WRK-002", at: "prd"), Fx.item("WRK-003", .ready)]
        let running = [Fx.running("WRK-001"), Fx.running("WRK-002")]
        #expect(Self.select("WRK-003", items, running: running) == [.promote("WRK-003")])
        #expect(Self.select("WRK-001", [Fx.working("WRK-001", at: "build")], running: [Fx.running("WRK-009")])
            == [Fx.run("WRK-001", "build", destructive: true)])
    }

    @Test("A running target gets nothing new")
    func runningTarget() {
        let running = [Fx.running("WRK-001")]
        #expect(Self.select("WRK-001", [Fx.item("WRK-001")], running: running).isEmpty)
        #expect(Self.select("WRK-001", [Fx.working("WRK-001", at: "prd")], running: running).isEmpty)
        #expect(Self.select("WRK-001", [Fx.item("WRK-001", .scoping, phase: "research", pool: .pre)], running: running).isEmpty)
        #expect(Self.select("WRK-001", [Fx.item("WRK-001", .done)], running: running).isEmpty)
    }

    @Test("A running destructive task holds back every target", arguments: [
        Fx.item("WRK-001"), Fx.item("WRK-001", .ready), Fx.working("WRK-001", at: "prd"),
    ])
    func destructiveRunning(target: StoreItem) {
        #expect(Self.select("WRK-001", [target], running: [Fx.running("WRK-002", "build", destructive: true)]).isEmpty)
    }

    @Test("Unmet dependencies hold the target; met or archived ones don't", arguments: [
        (PGStatus?.some(.ready), false), (.some(.done), true), (.none, true),
    ])
    func dependencies(dependencyStatus: PGStatus?, scheduled: Bool) {
        var items = [Fx.item("WRK-001", .ready, dependencies: ["WRK-002"])]
        if let dependencyStatus { items.append(Fx.item("WRK-002", dependencyStatus)) }
        #expect(!Self.select("WRK-001", items).isEmpty == scheduled)
    }

    @Test("A target without a phase, or with an unknown pipeline or phase, gets nothing", arguments: [
        Fx.item("WRK-001", .inProgress),
        Fx.item("WRK-001", .inProgress, phase: "prd", pool: .main, pipeline: "missing"),
        Fx.item("WRK-001", .scoping, phase: "nope", pool: .pre),
    ])
    func unschedulableTarget(target: StoreItem) {
        #expect(Self.select("WRK-001", [target]).isEmpty)
    }
}
