import DequeModule
import PhaseGolemCore

/// Where a target stands in this run.
public enum TargetStatus: String, Sendable, Equatable {
    case pending, running, done, blocked, skipped
}

/// One row of the run screen's target list.
public struct TargetRow: Sendable, Equatable {
    public var id: String
    /// Sanitized.
    public var title: String
    public var status: TargetStatus
    public var phase: String?
    /// The item's pipeline phases, for the `build 5/7` position.
    public var phases: [String]
    public var startedAt: Double?
    public var finishedAt: Double?
    /// Block or skip reason, sanitized.
    public var reason: String?
    /// What the agents reported for this target over the run (every phase taken together).
    public var facts: AgentRunFacts?
    /// Phases finished for this target during the run.
    public var phasesRun = 0
    /// The running agent's latest tool call (or, before any, its latest words), sanitized.
    public var activity: String?
    /// The running agent's turn count, when its output says.
    public var turn: Int?
    /// When the running agent last printed anything (activity or output).
    public var lastHeardAt: Double?

    public init(id: String, title: String, status: TargetStatus = .pending, phase: String? = nil, phases: [String] = []) {
        self.id = id
        self.title = title
        self.status = status
        self.phase = phase
        self.phases = phases
    }

    /// `build 5/7`, or the bare phase name when it is not in the pipeline (triage).
    public var phasePosition: String? {
        guard let phase else { return nil }
        guard let index = phases.firstIndex(of: phase) else { return phase }
        return "\(phase) \(index + 1)/\(phases.count)"
    }
}

/// One line of the log pane.
public struct LogLine: Sendable, Equatable {
    /// Increases by one per line ever appended; survives trimming, so it anchors scrolling.
    public var sequence: Int
    /// The item the line belongs to (agent output, or scheduler lines while it runs).
    public var itemID: String?
    /// Sanitized.
    public var text: String
    public var level: LogLevel?
}

/// Log lines in order, indexed from zero: the buffer's retained lines or a filtered selection.
public struct LogLines: RandomAccessCollection, Sendable, Equatable {
    private let storage: Deque<LogLine>

    init(_ storage: Deque<LogLine>) {
        self.storage = storage
    }

    init(_ lines: some Sequence<LogLine>) {
        self.storage = Deque(lines)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public subscript(position: Int) -> LogLine { storage[position] }
}

/// A bounded in-memory scrollback; full logs are on disk.
public struct LogBuffer: Sendable, Equatable {
    public let capacity: Int
    /// A ring: appending past the capacity drops the oldest line in O(1).
    private var storage: Deque<LogLine> = []
    public private(set) var nextSequence = 0

    public init(capacity: Int = 5_000) {
        self.capacity = max(1, capacity)
    }

    /// The newest `capacity` lines at most, oldest first.
    public var lines: LogLines { LogLines(storage) }

    public mutating func append(itemID: String?, text: String, level: LogLevel?) {
        storage.append(LogLine(sequence: nextSequence, itemID: itemID, text: text, level: level))
        nextSequence += 1
        if storage.count > capacity { storage.removeFirst() }
    }
}

/// The launch screen: targets (or backlog picks) and the editable settings.
public struct LaunchState: Sendable, Equatable {
    /// In run order.
    public var rows: [TUIInput.Item]
    /// True when no targets were given and the rows are backlog items to pick from.
    public var picking: Bool
    public var picked: Set<String> = []
    public var highlight = 0
    /// Why the last key did nothing (launch blocked by preflight).
    public var notice: String?
}

/// The run screen's own state.
public struct RunState: Sendable, Equatable {
    public var rows: [TargetRow] = []
    public var selected = 0
    /// Once the operator picks a row, selection stops following the running target.
    public var selectionPinned = false
    public var showDetail = false
    public var log = LogBuffer()
    /// Sequence number of the bottom visible line; nil while following the tail.
    public var anchor: Int?
    /// True: only the selected target's lines.
    public var filterSelected = false
    /// The search prompt's text while it is open.
    public var searchDraft: String?
    public var searchQuery: String?
    public var searchMessage: String?
    public var confirmingQuit = false
    public var shuttingDown = false
    public var runStartedAt: Double?
    public var capUsed = 0
    public var cap = 0
    public var breakerCount = 0
    public var breakerThreshold = 0
    /// The item whose work is under way: scheduler lines are attributed to it.
    public var currentItem: String?

    /// Every row's facts taken together (unknown cost stays unknown), nil before any agent reported.
    public var totalFacts: AgentRunFacts? {
        AgentRunFacts.total(rows.compactMap(\.facts))
    }

    public var following: Bool { anchor == nil }
}

/// Everything the renderer draws; changed only by `ViewReducer`.
public struct ViewState: Sendable {
    public var screen: ScreenKind
    public let input: TUIInput
    /// The parameters the run uses (edited on the launch screen).
    public var params: RunParams
    public var showHelp = false
    /// `phase-golem watch`: the run belongs to another process (keys from `KeyTable.watchRun`).
    public var watching = false
    /// What the watcher says about the run in the footer (`the run is gone`, `stop requested`).
    public var watchNotice: String?
    /// The latest time given to the reducer (seconds, any epoch); the reducer never reads a clock.
    public var now: Double = 0
    public var launch: LaunchState
    public var run = RunState()
    /// Block and skip reasons sanitized.
    public var summary: RunSummary?
    /// The terminal's size, kept current by `ViewReducer.resize`; paging derives the log pane's
    /// height from it, as the pane's size also depends on the target rows and the detail line.
    public var width = 80
    public var height = 24

    public var colors: Bool { input.colors }
    public var unicode: Bool { input.unicode }

    /// Item titles are sanitized here, once, for every screen.
    public init(input: TUIInput) {
        var input = input
        input.items = input.items.map { item in
            var item = item
            item.title = Sanitizer.sanitize(item.title)
            return item
        }
        self.input = input
        screen = .launch
        params = input.params
        let byID = Dictionary(input.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        if input.params.targets.isEmpty {
            launch = LaunchState(rows: input.items.filter(\.actionable), picking: true)
        } else {
            // Validation accepts only active and archived targets, so one not active is archived.
            let rows = input.params.targets.map { id in
                byID[id] ?? TUIInput.Item(id: id, title: "(archived, will be skipped)", status: "archived", phases: input.defaultPhases,
                                          actionable: false)
            }
            launch = LaunchState(rows: rows, picking: false)
        }
        launch.rows = launch.rows.map { item in
            var item = item
            if item.phases.isEmpty { item.phases = input.defaultPhases }
            return item
        }
        run.cap = params.cap
        run.breakerThreshold = input.breakerThreshold
    }

    /// The targets a launch would run, in order.
    public var launchTargets: [String] {
        launch.picking ? launch.rows.map(\.id).filter { launch.picked.contains($0) } : launch.rows.map(\.id)
    }

    /// The log lines the pane can show under the current filter.
    public var visibleLog: LogLines {
        guard run.filterSelected, run.rows.indices.contains(run.selected) else { return run.log.lines }
        let id = run.rows[run.selected].id
        return LogLines(run.log.lines.filter { $0.itemID == id })
    }

    /// How many lines the log pane shows, so paging moves by a screenful.
    var logPageSize: Int { max(1, Layout.logLines(self, width: width, height: height)) }

    /// Counts per status, for the chips.
    public func count(_ status: TargetStatus) -> Int {
        run.rows.reduce(0) { $0 + ($1.status == status ? 1 : 0) }
    }
}
