#if canImport(Glibc)
import Glibc
#endif

/// The first line of a run's journal: what an observer needs before the first event to draw
/// the run screen as the run's own TUI does (docs/journal.md).
public struct JournalHeader: Sendable, Equatable {
    /// One item the run may show a row for: the targets and every item a run could work on.
    public struct Item: Sendable, Equatable {
        public var id: String
        public var title: String
        public var status: String
        public var phase: String?
        /// Its pipeline's phases in order (pre then main).
        public var phases: [String]

        public init(id: String, title: String, status: String, phase: String?, phases: [String]) {
            self.id = id
            self.title = title
            self.status = status
            self.phase = phase
            self.phases = phases
        }
    }

    public var runID: String
    /// The process running the run: `watch` sends it SIGTERM, `runs` asks whether it is alive.
    public var pid: Int32
    /// Milliseconds since the Unix epoch.
    public var startedAt: Int64
    public var projectName: String
    public var agentDescription: String
    public var params: RunParams
    public var items: [Item]
    public var defaultPhases: [String]
    public var breakerThreshold: Int
    public var maxRetries: Int
    public var phaseTimeoutMinutes: Double

    public init(runID: String, pid: Int32, startedAt: Int64, projectName: String, agentDescription: String, params: RunParams,
                items: [Item], defaultPhases: [String], breakerThreshold: Int, maxRetries: Int, phaseTimeoutMinutes: Double) {
        self.runID = runID
        self.pid = pid
        self.startedAt = startedAt
        self.projectName = projectName
        self.agentDescription = agentDescription
        self.params = params
        self.items = items
        self.defaultPhases = defaultPhases
        self.breakerThreshold = breakerThreshold
        self.maxRetries = maxRetries
        self.phaseTimeoutMinutes = phaseTimeoutMinutes
    }

    /// The header of a prepared run. Done and blocked items are left out unless they are
    /// targets: a run never works on them, so no row can need their title, and a 10,000-item
    /// backlog that is mostly done does not make every journal large.
    public init(prepared: PreparedRun, runID: String, projectName: String) {
        let config = prepared.loaded.config
        func phaseNames(_ pipelineType: String?) -> [String] {
            guard let pipeline = config.pipeline(for: pipelineType) else { return [] }
            return (pipeline.prePhases + pipeline.phases).map(\.name)
        }
        let targets = Set(prepared.params.targets)
        let items = prepared.items.filter { targets.contains($0.id) || ($0.pgStatus != .done && $0.pgStatus != .blocked) }.map {
            Item(id: $0.id, title: $0.title, status: $0.pgStatus.rawValue, phase: $0.phase, phases: phaseNames($0.pipelineType))
        }
        self.init(runID: runID, pid: getpid(), startedAt: WallClock.milliseconds(), projectName: projectName,
                  agentDescription: prepared.agentDescription, params: prepared.params, items: items,
                  defaultPhases: phaseNames(nil), breakerThreshold: config.execution.circuitBreakerThreshold,
                  maxRetries: config.execution.maxRetries, phaseTimeoutMinutes: config.execution.phaseTimeoutMinutes)
    }
}

/// The wall clock, for journal timestamps: unlike the monotonic clock it means the same in
/// another process, so a watcher can tell how long ago something happened.
public enum WallClock {
    public static func milliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public static func seconds() -> Double {
        Double(milliseconds()) / 1000
    }
}
