import PhaseGolemCore

/// Folds scheduler events, keys and clock ticks into a `ViewState`; pure.
public enum ViewReducer {
    // MARK: Time and size

    /// Advances the clock the spinner and elapsed times are drawn from.
    public static func tick(_ state: inout ViewState, now: Double) {
        state.now = now
    }

    /// Records the terminal's size, from which paging derives the log pane's height.
    public static func resize(_ state: inout ViewState, width: Int, height: Int) {
        state.width = width
        state.height = height
    }

    // MARK: Events

    public static func reduce(_ state: inout ViewState, event: SchedulerEvent) {
        switch event {
        case let .log(level, text):
            appendLog(&state, itemID: state.run.currentItem, text: text, level: level)
        case let .runStarted(params):
            begin(&state, params: params)
        case let .targetStarted(id, _, _):
            let index = row(&state, id)
            state.run.rows[index].status = .running
            state.run.rows[index].startedAt = state.now
            state.run.currentItem = id
            if !state.run.selectionPinned { state.run.selected = index }
        case let .targetSkipped(id, _, _, reason):
            let index = row(&state, id)
            state.run.rows[index].status = .skipped
            state.run.rows[index].reason = Sanitizer.sanitize(reason)
        case let .targetBlocked(id, _, _, reason, _, _):
            finish(&state, id, status: .blocked, reason: reason)
        case let .targetCompleted(id, _, _):
            finish(&state, id, status: .done, reason: nil)
        case .itemPromoted:
            break
        case let .phaseStarted(itemID, phase, _, _, _):
            let index = row(&state, itemID)
            state.run.rows[index].phase = Sanitizer.sanitize(phase)
            // Backlog runs have no targetStarted: the first phase starts the row.
            if state.run.rows[index].status == .pending {
                state.run.rows[index].status = .running
                state.run.rows[index].startedAt = state.now
            }
            state.run.currentItem = itemID
            if !state.run.selectionPinned { state.run.selected = index }
            state.run.rows[index].activity = nil
            state.run.rows[index].turn = nil
            state.run.rows[index].lastHeardAt = state.now
        case let .agentOutput(itemID, _, lines):
            for line in lines { appendLog(&state, itemID: itemID, text: line.text, level: nil) }
            if !lines.isEmpty, let index = state.run.rows.firstIndex(where: { $0.id == itemID }) {
                state.run.rows[index].lastHeardAt = state.now
            }
        case let .agentActivity(itemID, _, activities):
            for activity in activities { appendLog(&state, itemID: itemID, text: activity.text, level: nil) }
            noteActivity(&state, itemID: itemID, activities)
        case let .phaseFinished(itemID, _, _, _, facts):
            let index = row(&state, itemID)
            state.run.rows[index].phasesRun += 1
            state.run.rows[index].activity = nil
            if let facts {
                state.run.rows[index].facts = state.run.rows[index].facts.map { $0.adding(facts) } ?? facts
            }
        case let .itemBlocked(id, reason):
            finish(&state, id, status: .blocked, reason: reason)
        case let .itemCompleted(id):
            finish(&state, id, status: .done, reason: nil)
        case let .breakerChanged(count, threshold):
            state.run.breakerCount = count
            state.run.breakerThreshold = threshold
        case let .capUsage(used, cap):
            state.run.capUsed = used
            state.run.cap = cap
        case .runFailed:
            // The app leaves at once; the error is printed on the restored terminal.
            break
        case let .halted(summary):
            halt(&state, summary: summary)
        }
    }

    /// The running row's life: its latest tool call (words only until there is one), turn, last sign of life.
    private static func noteActivity(_ state: inout ViewState, itemID: String, _ activities: [AgentActivity]) {
        guard !activities.isEmpty, let index = state.run.rows.firstIndex(where: { $0.id == itemID }) else { return }
        state.run.rows[index].lastHeardAt = state.now
        for activity in activities {
            if let turn = activity.turn { state.run.rows[index].turn = turn }
            switch activity.kind {
            case .tool, .toolFailed, .retry:
                state.run.rows[index].activity = Sanitizer.sanitize(activity.text)
            case .text, .start:
                if state.run.rows[index].activity == nil { state.run.rows[index].activity = Sanitizer.sanitize(activity.text) }
            case .end:
                break
            }
        }
    }

    private static func begin(_ state: inout ViewState, params: RunParams) {
        state.params = params
        state.run.cap = params.cap
        if state.run.runStartedAt == nil { state.run.runStartedAt = state.now }
        if state.screen != .run || state.run.rows.map(\.id) != params.targets {
            let items = Dictionary(state.input.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            state.run.rows = params.targets.map { id in
                TargetRow(id: id, title: items[id]?.title ?? "",
                          phases: items[id]?.phases.nonEmpty ?? state.input.defaultPhases)
            }
            state.run.selected = 0
        }
        state.screen = .run
        state.showHelp = false
    }

    /// The row for `id`, appended when the run works on an item outside the target list.
    private static func row(_ state: inout ViewState, _ id: String) -> Int {
        if let index = state.run.rows.firstIndex(where: { $0.id == id }) { return index }
        let item = state.input.items.first { $0.id == id }
        state.run.rows.append(TargetRow(id: id, title: item?.title ?? "",
                                        phases: item?.phases.nonEmpty ?? state.input.defaultPhases))
        return state.run.rows.count - 1
    }

    private static func finish(_ state: inout ViewState, _ id: String, status: TargetStatus, reason: String?) {
        let index = row(&state, id)
        state.run.rows[index].status = status
        if let reason { state.run.rows[index].reason = Sanitizer.sanitize(reason) }
        if state.run.rows[index].finishedAt == nil { state.run.rows[index].finishedAt = state.now }
        if state.run.currentItem == id { state.run.currentItem = nil }
    }

    private static func halt(_ state: inout ViewState, summary: RunSummary) {
        // Reasons are sanitized once here; the rows and the summary screen use them as they are.
        var summary = summary
        summary.blockReasons = summary.blockReasons.mapValues(Sanitizer.sanitize)
        summary.skippedTargets = summary.skippedTargets.map { .init(id: $0.id, reason: Sanitizer.sanitize($0.reason)) }
        for skipped in summary.skippedTargets {
            let index = row(&state, skipped.id)
            state.run.rows[index].status = .skipped
            state.run.rows[index].reason = skipped.reason
        }
        for id in summary.itemsCompleted { state.run.rows[row(&state, id)].status = .done }
        for id in summary.itemsBlocked {
            let index = row(&state, id)
            state.run.rows[index].status = .blocked
            if let reason = summary.blockReasons[id] { state.run.rows[index].reason = reason }
        }
        // Whatever the run never finished counts as skipped: not reached, or stopped mid-way.
        for index in state.run.rows.indices where state.run.rows[index].status == .pending || state.run.rows[index].status == .running {
            let wasRunning = state.run.rows[index].status == .running
            state.run.rows[index].status = .skipped
            state.run.rows[index].reason = wasRunning ? "stopped before it finished" : "not reached before the run halted"
        }
        state.summary = summary
        state.screen = .summary
        state.showHelp = false
        state.run.confirmingQuit = false
    }

    private static func appendLog(_ state: inout ViewState, itemID: String?, text: String, level: LogLevel?) {
        state.run.log.append(itemID: itemID, text: Sanitizer.sanitize(text), level: level)
    }

    // MARK: Keys

    /// Applies a key; returns what the app must do. `now` stamps anything the key starts.
    public static func reduce(_ state: inout ViewState, key: Key, now: Double) -> [TUICommand] {
        state.now = max(state.now, now)
        if key == .resize { return [] }
        if state.showHelp && key != .interrupt {
            if key == .character("?") || key == .escape || key == .character("q") { state.showHelp = false }
            return []
        }
        switch state.screen {
        case .launch: return launchKey(&state, key)
        case .run: return runKey(&state, key)
        case .summary:
            switch KeyTable.action(for: key, on: .summary, watching: state.watching) {
            case .help?:
                state.showHelp = true
                return []
            case .browseLog?:
                state.screen = .run
                return []
            default:
                return [.exit(code: state.watching ? 0 : state.summary?.exitCode ?? 0)]
            }
        }
    }

    private static func launchKey(_ state: inout ViewState, _ key: Key) -> [TUICommand] {
        guard let action = KeyTable.action(for: key, on: .launch) else { return [] }
        state.launch.notice = nil
        let count = state.launch.rows.count
        switch action {
        case .launch, .detach:
            let errors = state.input.preflightErrors.count
            if errors > 0 {
                state.launch.notice = "Cannot launch: preflight found \(errors) error\(errors == 1 ? "" : "s"). Fix them and run again."
                return []
            }
            var params = state.params
            params.targets = state.launchTargets
            // In the background the run is another process's: this one only starts it and watches.
            if action == .detach { return [.detach(params)] }
            begin(&state, params: params)
            return [.launch(params)]
        case .quit:
            return [.quit(exitCode: 130)]
        case .toggleAutoAdvance:
            state.params.autoAdvance.toggle()
        case .capUp:
            state.params.cap = Self.steppedCap(state.params.cap, up: true)
        case .capDown:
            state.params.cap = Self.steppedCap(state.params.cap, up: false)
        case .moveUp:
            state.launch.highlight = max(0, state.launch.highlight - 1)
        case .moveDown:
            state.launch.highlight = max(0, min(count - 1, state.launch.highlight + 1))
        case .toggleSelection:
            guard state.launch.picking, state.launch.rows.indices.contains(state.launch.highlight) else { break }
            let id = state.launch.rows[state.launch.highlight].id
            if state.launch.picked.contains(id) { state.launch.picked.remove(id) } else { state.launch.picked.insert(id) }
        case .reorderUp, .reorderDown:
            let from = state.launch.highlight
            let to = action == .reorderUp ? from - 1 : from + 1
            guard state.launch.rows.indices.contains(from), state.launch.rows.indices.contains(to) else { break }
            state.launch.rows.swapAt(from, to)
            state.launch.highlight = to
            if !state.launch.picking { state.params.targets = state.launch.rows.map(\.id) }
        case .help:
            state.showHelp = true
        default:
            break
        }
        return []
    }

    private static func runKey(_ state: inout ViewState, _ key: Key) -> [TUICommand] {
        if state.watching { return watchKey(&state, key) }
        if state.run.shuttingDown {
            return key == .interrupt ? [.forceShutdown] : []
        }
        if state.run.confirmingQuit {
            switch key {
            // A second Ctrl-C at the prompt confirms; a third (while stopping) forces.
            case .character("y"), .character("Y"), .interrupt:
                state.run.confirmingQuit = false
                state.run.shuttingDown = true
                return [.requestShutdown]
            case .character("n"), .character("N"), .escape:
                state.run.confirmingQuit = false
            default:
                break
            }
            return []
        }
        if let draft = state.run.searchDraft {
            searchPromptKey(&state, key, draft: draft)
            return []
        }
        guard let action = KeyTable.action(for: key, on: .run) else { return [] }
        state.run.searchMessage = nil
        switch action {
        case .quit:
            state.run.confirmingQuit = true
        case .help:
            state.showHelp = true
        case .scrollUp: scroll(&state, by: -1)
        case .scrollDown: scroll(&state, by: 1)
        case .pageUp: scroll(&state, by: -state.logPageSize)
        case .pageDown: scroll(&state, by: state.logPageSize)
        case .scrollTop:
            let lines = state.visibleLog
            if !lines.isEmpty { state.run.anchor = lines[min(lines.count, state.logPageSize) - 1].sequence }
        case .follow:
            state.run.anchor = nil
        case .moveUp, .moveDown:
            let count = state.run.rows.count
            guard count > 0 else { break }
            state.run.selected = max(0, min(count - 1, state.run.selected + (action == .moveUp ? -1 : 1)))
            state.run.selectionPinned = true
        case .toggleDetail:
            state.run.showDetail.toggle()
        case .toggleFilter:
            state.run.filterSelected.toggle()
        case .search:
            state.run.searchDraft = ""
        case .nextMatch:
            if let query = state.run.searchQuery { search(&state, for: query, skippingCurrent: true) }
        default:
            break
        }
        return []
    }

    /// The run screen in `watch`: the run is someone else's, so leaving never touches it and
    /// stopping it is asked for explicitly (`s`, then `y`).
    private static func watchKey(_ state: inout ViewState, _ key: Key) -> [TUICommand] {
        if state.run.confirmingQuit {
            switch key {
            case .character("y"), .character("Y"):
                state.run.confirmingQuit = false
                state.run.shuttingDown = true
                state.watchNotice = "Stop requested: the run is draining and saving its state."
                return [.requestShutdown]
            case .character("n"), .character("N"), .escape, .interrupt, .character("q"):
                state.run.confirmingQuit = false
            default:
                break
            }
            return []
        }
        if state.run.searchDraft == nil {
            switch KeyTable.action(for: key, on: .run, watching: true) {
            case .leave?: return [.quit(exitCode: 0)]
            case .stopRun?:
                // Nothing to stop once the run has ended or a stop is under way.
                if state.summary == nil && !state.run.shuttingDown { state.run.confirmingQuit = true }
                return []
            case .quit?: return []
            default: break
            }
        }
        let watching = state.watching
        state.watching = false
        defer { state.watching = watching }
        return runKey(&state, key)
    }

    private static func searchPromptKey(_ state: inout ViewState, _ key: Key, draft: String) {
        switch key {
        case .escape, .interrupt:
            state.run.searchDraft = nil
        case .enter:
            state.run.searchDraft = nil
            guard !draft.isEmpty else { return }
            state.run.searchQuery = draft
            search(&state, for: draft, skippingCurrent: false)
        case .backspace:
            state.run.searchDraft = String(draft.dropLast())
        case let .character(character):
            state.run.searchDraft = draft + Sanitizer.sanitize(String(character))
        default:
            break
        }
    }

    /// Index of the bottom visible line in `lines`.
    private static func bottomIndex(_ state: ViewState, _ lines: LogLines) -> Int {
        guard let anchor = state.run.anchor else { return lines.count - 1 }
        return lines.lastIndex { $0.sequence <= anchor } ?? 0
    }

    /// Moves the view; reaching the newest line resumes following.
    private static func scroll(_ state: inout ViewState, by delta: Int) {
        let lines = state.visibleLog
        guard !lines.isEmpty else { return }
        let lowest = min(lines.count, state.logPageSize) - 1
        let target = max(lowest, bottomIndex(state, lines) + delta)
        state.run.anchor = target >= lines.count - 1 ? nil : lines[target].sequence
    }

    /// Searches backwards (older) from the bottom line, wrapping around; case-insensitive.
    private static func search(_ state: inout ViewState, for query: String, skippingCurrent: Bool) {
        let lines = state.visibleLog
        guard !lines.isEmpty else {
            state.run.searchMessage = "Not found: \(query)"
            return
        }
        let needle = query.lowercased()
        let start = bottomIndex(state, lines) - (skippingCurrent ? 1 : 0)
        for step in 0..<lines.count {
            let index = ((start - step) % lines.count + lines.count) % lines.count
            if lines[index].text.lowercased().contains(needle) {
                state.run.anchor = lines[index].sequence
                state.run.searchMessage = nil
                return
            }
        }
        state.run.searchMessage = "Not found: \(query)"
    }
}

extension Array {
    /// nil when empty, for `??` fallbacks.
    var nonEmpty: [Element]? { isEmpty ? nil : self }
}

extension ViewReducer {
    /// The next phase cap up or down: steps of 1 below 10, 5 below 50, 10 below 200, then 50,
    /// landing on round numbers, so 100 is ten presses from 20 instead of eighty.
    static func steppedCap(_ cap: Int, up: Bool) -> Int {
        func step(_ value: Int) -> Int { value < 10 ? 1 : value < 50 ? 5 : value < 200 ? 10 : 50 }
        if up {
            let size = step(cap)
            return (cap / size + 1) * size
        }
        guard cap > 0 else { return 0 }
        let size = step(cap - 1)
        return (cap - 1) / size * size
    }
}
