import Foundation
@testable import PhaseGolemCore

/// A real project (git repository, task-golem store) run by the real `Scheduler` in this
/// process, with the `ScriptedAgentRunner` as its agent: the run loop's flows in milliseconds.
/// Unchecked: every stored property is a constant, and the directory is only removed when the
/// harness is released.
final class SchedulerHarness: @unchecked Sendable {
    let directory: TemporaryDirectory
    let events = EventBus()
    let shutdown = ShutdownFlag()
    let agent: ScriptedAgentRunner
    let context: RunContext
    private let lines = Locked<[String]>([])
    private let finished = Locked<[FinishedPhase]>([])
    struct FinishedPhase: Sendable { var key: String; var facts: AgentRunFacts? }
    private let recording: Task<Void, Never>

    var root: String { directory.path }

    /// Pipeline `feature`: pre `research`; main `prd`, `build` (destructive), `review`.
    static let pipelines: [String: PipelineConfig] = [
        PipelineConfig.defaultName: PipelineConfig(
            prePhases: [PhaseConfig(name: "research")],
            phases: [PhaseConfig(name: "prd"), PhaseConfig(name: "build", isDestructive: true), PhaseConfig(name: "review")]),
    ]

    init(items: [StoreItem], script: [String: [ScriptedAgentRunner.Reply]] = [:], execution: ExecutionConfig = ExecutionConfig(maxRetries: 0)) throws {
        directory = try TemporaryDirectory("pg-scheduler")
        let root = directory.path
        try Self.git(["init", "-q", "-b", "main"], in: root)
        try Self.git(["config", "user.email", "test@example.com"], in: root)
        try Self.git(["config", "user.name", "Test"], in: root)
        try FileManager.default.createDirectory(atPath: root + "/.task-golem", withIntermediateDirectories: true)
        let header = "{\"schema_version\":1}\n"
        let body = items.map { $0.canonicalLine(dialect: .v01) }.sorted().map { $0 + "\n" }.joined()
        try Data((header + body).utf8).write(to: URL(fileURLWithPath: root + "/.task-golem/tasks.jsonl"))
        try Data(header.utf8).write(to: URL(fileURLWithPath: root + "/.task-golem/archive.jsonl"))
        // Tracked, as task-golem's `init` leaves it: the store's lock file is created on first use.
        try Data().write(to: URL(fileURLWithPath: root + "/.task-golem/tasks.lock"))
        try Data(".phase-golem/\n".utf8).write(to: URL(fileURLWithPath: root + "/.gitignore"))
        try Self.git(["add", "-A"], in: root)
        try Self.git(["commit", "-q", "-m", "initial"], in: root)

        agent = ScriptedAgentRunner(script, shutdown: shutdown)
        let config = PhaseGolemConfig(execution: execution, pipelines: Self.pipelines)
        let coordinator = Coordinator(store: TaskStore(root: root), prefix: "WRK", events: events, shutdown: shutdown)
        context = RunContext(
            coordinator: coordinator, runner: agent, loaded: LoadedConfig(config: config, path: nil, baseDirectory: root), root: root,
            events: events, shutdown: shutdown, logDirectory: root + "/.phase-golem/logs/test", agentDescription: "Scripted agent")
        let stream = events.subscribe()
        let lines = self.lines
        let finished = self.finished
        recording = Task {
            for await event in stream {
                if case .log(_, let line) = event { lines.withLock { $0.append(line) } }
                if case .phaseFinished(let id, let phase, _, _, let facts) = event {
                    finished.withLock { $0.append(FinishedPhase(key: id + " " + phase, facts: facts)) }
                }
            }
        }
    }

    /// Runs the scheduler to its halt, then commits what is left as `RunSession` does.
    func run(_ params: RunParams) async throws -> RunSummary {
        let summary = try await Scheduler(params: params, context: context).run()
        await context.coordinator.haltCommit(reason: summary.haltReason)
        return summary
    }

    /// `ITEM PHASE` and the facts of every `phaseFinished` event, once the bus has delivered them.
    func finishedPhases() async -> [FinishedPhase] {
        events.finish()
        await recording.value
        return finished.withLock { $0 }
    }

    /// The log lines published so far (every level), once the bus has delivered them.
    func log() async -> [String] {
        events.finish()
        await recording.value
        return lines.withLock { $0 }
    }

    func active() throws -> [String: StoreItem] {
        Dictionary(uniqueKeysWithValues: try TaskStore(root: root).loadActive().items.map { ($0.id, $0) })
    }

    func archived() throws -> [String] {
        try TaskStore(root: root).loadArchive().items.map(\.id)
    }

    func subjects() throws -> [String] {
        try Self.git(["log", "--reverse", "--format=%s"], in: root).split(separator: "\n").map(String.init)
    }

    /// `git status --porcelain`: empty when the run left a clean tree.
    func status() throws -> String {
        try Self.git(["status", "--porcelain"], in: root)
    }

    /// An item at a main phase of the `feature` pipeline.
    static func item(_ id: String, _ status: PGStatus = .inProgress, phase: String? = "review", pool: PhasePool? = .main,
                     created: Int64 = 0, tags: [String] = []) -> StoreItem {
        SchedulerFixture.item(id, status, phase: status == .inProgress || status == .scoping ? phase : nil,
                              pool: status == .inProgress || status == .scoping ? pool : nil, pipeline: "feature",
                              created: created, tags: tags)
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: String) throws -> String {
        let output = try ProcessRunner.run("git", arguments, in: directory)
        guard output.succeeded else {
            throw Fixtures.Missing(description: "git \(arguments.joined(separator: " ")) failed: \(output.stderrText)")
        }
        return output.stdoutText
    }
}
