import PhaseGolemCore

/// The run screen: header, targets, live log, status chips, footer or prompt.
enum RunScreenRenderer {
    static func draw(_ state: ViewState, on canvas: inout Canvas) {
        let width = canvas.buffer.width
        let height = canvas.buffer.height
        let sep = canvas.glyphs.separator
        let runTime = state.run.runStartedAt.map { formatDuration(state.now - $0) } ?? "--:--"
        var right = "auto-advance \(state.params.autoAdvance ? "ON" : "OFF")"
        if let spend = spendText(state, unicode: canvas.unicode) { right += " \(sep) \(spend)" }
        canvas.bar("phase-golem \(sep) \(state.input.projectName) \(sep) \(state.input.agentDescription)", y: 0,
                   right: right + " \(sep) \(runTime)")
        let panes = Layout.runPanes(state, width: width, height: height)
        drawTargets(state, on: &canvas, rect: panes.targets)
        drawLog(state, on: &canvas, rect: panes.log)
        drawStatusBar(state, on: &canvas, y: height - 2)
        drawFooter(state, on: &canvas, y: height - 1)
    }

    /// `$1.23 / $5.00` (spend of the run and its budget), `$1.23`, `≥$1.23` (some phases reported
    /// no cost), `cost ? / $5.00`; nil when neither is known.
    static func spendText(_ state: ViewState, unicode: Bool) -> String? {
        let spent = state.run.totalFacts.flatMap { ActivitySummary.spend($0, unicode: unicode) }
        guard let budget = state.params.maxCostUSD else { return spent }
        return (spent ?? (state.run.totalFacts == nil ? "$0.00" : "cost ?")) + " / " + ActivitySummary.cost(budget)
    }

    static func marker(_ row: TargetRow, state: ViewState, glyphs: Glyphs) -> String {
        switch row.status {
        case .pending: glyphs.pending
        case .running: glyphs.spinnerFrame(at: state.now)
        case .done: glyphs.done
        case .blocked: glyphs.blocked
        case .skipped: glyphs.skipped
        }
    }

    static func statusStyle(_ status: TargetStatus, _ canvas: Canvas) -> Style {
        switch status {
        case .pending: Style(dim: true)
        case .running: canvas.style(.cyan, bold: true)
        case .done: canvas.style(.green)
        case .blocked: canvas.style(.red)
        case .skipped: canvas.style(.yellow)
        }
    }

    private static func drawTargets(_ state: ViewState, on canvas: inout Canvas, rect: Rect) {
        canvas.box(rect, title: "Targets")
        let inner = rect.inner
        let rows = state.run.rows
        guard inner.height > 0 else { return }
        if rows.isEmpty {
            canvas.text("Waiting for the scheduler…", x: inner.x + 1, y: inner.y, width: inner.width - 2, style: Style(dim: true))
            return
        }
        // Side by side the pane is narrow (40 to 56 columns) but tall: a running row's phase and
        // times leave no room for its activity, so what the agent does now (with its turn and
        // silence) goes on a line of its own under the row. Stacked, the row is the screen's
        // width and keeps it inline.
        let lifeBelow = canvas.buffer.width >= Layout.sideBySideWidth
        let lifeLines = lifeBelow ? rows.filter { hasLifeLine($0, state: state) }.count : 0
        let detail = state.run.showDetail ? 1 : 0
        let visible = max(1, inner.height - detail - lifeLines)
        let first = max(0, min(state.run.selected - visible + 1, rows.count - visible))
        var y = inner.y
        let idWidth = min(14, rows.map { $0.id.unicodeScalars.count }.max() ?? 0)
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let index = first + offset
            guard y < inner.y + inner.height else { break }
            drawRow(row, state: state, canvas: &canvas, x: inner.x, y: y, width: inner.width, idWidth: idWidth,
                    lifeBelow: lifeBelow)
            if index == state.run.selected {
                canvas.buffer.highlight(x: inner.x, y: y, width: inner.width)
            }
            y += 1
            if lifeBelow, hasLifeLine(row, state: state), y < inner.y + inner.height {
                drawLife(row, state: state, canvas: &canvas, x: inner.x, y: y, width: inner.width)
                y += 1
            }
            if index == state.run.selected, state.run.showDetail, y < inner.y + inner.height {
                let text: String
                switch row.status {
                case .blocked: text = "blocked: \(row.reason ?? "no reason recorded")"
                case .skipped: text = "skipped: \(row.reason ?? "no reason recorded")"
                case .done: text = "done"
                case .running: text = "running \(row.phasePosition ?? "")"
                case .pending: text = "waiting"
                }
                canvas.text(text, x: inner.x + 3, y: y, width: inner.width - 4, style: statusStyle(row.status, canvas))
                y += 1
            }
        }
    }

    private static func drawRow(_ row: TargetRow, state: ViewState, canvas: inout Canvas, x: Int, y: Int, width: Int,
                                idWidth: Int, lifeBelow: Bool) {
        let style = statusStyle(row.status, canvas)
        canvas.text(marker(row, state: state, glyphs: canvas.glyphs), x: x + 1, y: y, width: 1, style: style)
        canvas.text(row.id, x: x + 3, y: y, width: idWidth, style: Style(bold: true))
        var right: [String] = []
        if row.status == .running || row.status == .blocked, let position = row.phasePosition { right.append(position) }
        if row.status == .running, !lifeBelow { right += life(row, state: state) }
        if let started = row.startedAt {
            right.append(formatDuration((row.finishedAt ?? state.now) - started))
        }
        if let cost = row.facts.flatMap({ ActivitySummary.spend($0, unicode: canvas.unicode) }) { right.append(cost) }
        let rightText = right.joined(separator: " ")
        let rightWidth = rightText.unicodeScalars.count
        let titleX = x + 4 + idWidth
        let titleWidth = width - (titleX - x) - rightWidth - 2
        // A running row shows what its agent does now (the last tool call), cut to fit.
        if row.status == .running, !lifeBelow, let activity = row.activity {
            canvas.text(activity, x: titleX, y: y, width: titleWidth, style: canvas.style(.cyan))
        } else {
            canvas.text(row.title, x: titleX, y: y, width: titleWidth)
        }
        if rightWidth > 0, width - rightWidth - 1 > titleX - x {
            canvas.text(rightText, x: x + width - rightWidth - 1, y: y, width: rightWidth, style: style)
            markLongSilence(rightText, row: row, state: state, canvas: &canvas, x: x + width - rightWidth - 1, y: y)
        }
    }

    /// The running agent's life: its turn and how long it has been silent.
    private static func life(_ row: TargetRow, state: ViewState) -> [String] {
        var parts: [String] = []
        if let turn = row.turn { parts.append("turn \(turn)") }
        // Short silences are normal (the model is thinking); from 10 s on they are worth seeing.
        if let heard = row.lastHeardAt, state.now - heard >= 10 {
            parts.append("quiet " + ActivitySummary.duration(milliseconds: Int((state.now - heard) * 1000)))
        }
        return parts
    }

    /// From this many seconds of silence the `quiet …` figure is marked (bold yellow): a model
    /// thinks for seconds, rarely for minutes, so the operator should look at it.
    static let longSilenceSeconds: Double = 120

    /// Redraws the `quiet …` part of `text` (drawn at `x`) bold yellow once the silence is long.
    private static func markLongSilence(_ text: String, row: TargetRow, state: ViewState, canvas: inout Canvas, x: Int, y: Int) {
        guard let heard = row.lastHeardAt, state.now - heard >= longSilenceSeconds,
              let range = text.range(of: "quiet ") else { return }
        let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: range.lowerBound)
        // `quiet 2m05s`: the word and the duration, which has no space in it.
        let quiet = text[range.lowerBound...].split(separator: " ").prefix(2).joined(separator: " ")
        canvas.text(quiet, x: x + offset, y: y, width: quiet.unicodeScalars.count, style: canvas.style(.yellow, bold: true))
    }

    /// A running row whose agent has shown an activity, a turn or a silence worth seeing.
    private static func hasLifeLine(_ row: TargetRow, state: ViewState) -> Bool {
        row.status == .running && (row.activity != nil || !life(row, state: state).isEmpty)
    }

    /// The line under a running row (side by side): `↳ <last tool call>` and, at the right, the
    /// turn and the silence.
    private static func drawLife(_ row: TargetRow, state: ViewState, canvas: inout Canvas, x: Int, y: Int, width: Int) {
        let lifeText = life(row, state: state).joined(separator: " ")
        let lifeWidth = lifeText.unicodeScalars.count
        if let activity = row.activity {
            let mark = canvas.glyphs.activity
            let textX = x + 3 + mark.unicodeScalars.count + 1
            canvas.text(mark, x: x + 3, y: y, width: mark.unicodeScalars.count, style: Style(dim: true))
            canvas.text(activity, x: textX, y: y, width: width - (textX - x) - (lifeWidth > 0 ? lifeWidth + 2 : 1),
                        style: canvas.style(.cyan))
        }
        if lifeWidth > 0, width - lifeWidth - 1 > 3 {
            canvas.text(lifeText, x: x + width - lifeWidth - 1, y: y, width: lifeWidth, style: Style(dim: true))
            markLongSilence(lifeText, row: row, state: state, canvas: &canvas, x: x + width - lifeWidth - 1, y: y)
        }
    }

    private static func drawLog(_ state: ViewState, on canvas: inout Canvas, rect: Rect) {
        let sep = canvas.glyphs.separator
        let source: String
        if state.run.filterSelected, state.run.rows.indices.contains(state.run.selected) {
            source = state.run.rows[state.run.selected].id
        } else {
            source = "all output"
        }
        canvas.box(rect, title: "Log \(sep) \(source) \(sep) \(state.run.following ? "FOLLOWING" : "SCROLLED")")
        let inner = rect.inner
        guard inner.height > 0 else { return }
        let lines = state.visibleLog
        guard !lines.isEmpty else {
            canvas.text("No output yet.", x: inner.x + 1, y: inner.y, width: inner.width - 2, style: Style(dim: true))
            return
        }
        var bottom = lines.count - 1
        if let anchor = state.run.anchor { bottom = lines.lastIndex { $0.sequence <= anchor } ?? 0 }
        // Near the top the pane fills downwards instead of leaving blank rows at the bottom.
        bottom = max(bottom, min(lines.count, inner.height) - 1)
        let first = max(0, bottom - inner.height + 1)
        let query = state.run.searchQuery?.lowercased()
        for (offset, line) in lines[first...bottom].enumerated() {
            let y = inner.y + offset
            let style: Style
            switch line.level {
            case .error: style = canvas.style(.red)
            case .warn: style = canvas.style(.yellow)
            case .debug: style = Style(dim: true)
            default: style = .plain
            }
            canvas.text(line.text, x: inner.x + 1, y: y, width: inner.width - 2, style: style)
            if let query, let columns = matchColumns(of: query, in: line.text), columns.upperBound <= inner.width - 2 {
                canvas.buffer.restyle(x: inner.x + 1 + columns.lowerBound, y: y, width: columns.count, style: Style(reverse: true))
            }
        }
    }

    /// The columns (Unicode scalars of `text`, one cell each) of the first match of `query`,
    /// already lowercased, ignoring case. Lowercasing can change the number of scalars ("İ"
    /// becomes two), so the match is found in the lowercased text and mapped back per character.
    static func matchColumns(of query: String, in text: String) -> Range<Int>? {
        guard !query.isEmpty else { return nil }
        var lowered = ""
        // For each scalar of `lowered`: the columns of the character of `text` it came from.
        var characterColumns: [Range<Int>] = []
        var column = 0
        for character in text {
            let lower = character.lowercased()
            let width = character.unicodeScalars.count
            for _ in lower.unicodeScalars { characterColumns.append(column..<column + width) }
            lowered += lower
            column += width
        }
        guard let range = lowered.firstRange(of: query) else { return nil }
        let scalars = lowered.unicodeScalars
        let start = scalars.distance(from: scalars.startIndex, to: range.lowerBound)
        let end = scalars.distance(from: scalars.startIndex, to: range.upperBound)
        guard start < end, end <= characterColumns.count else { return nil }
        return characterColumns[start].lowerBound..<characterColumns[end - 1].upperBound
    }

    /// The clock readings the run screen shows (spinner frame, run and target elapsed seconds):
    /// while they and the state stay the same, a new frame would look the same.
    static func clockReadings(_ state: ViewState) -> [Int] {
        var readings = [state.run.runStartedAt.map { Int((state.now - $0).rounded(.down)) } ?? -1]
        if state.run.rows.contains(where: { $0.status == .running }) {
            readings.append(Glyphs.spinnerTick(at: state.now))
        }
        for row in state.run.rows {
            guard let started = row.startedAt, row.finishedAt == nil else { continue }
            readings.append(Int((state.now - started).rounded(.down)))
        }
        return readings
    }

    private static func drawStatusBar(_ state: ViewState, on canvas: inout Canvas, y: Int) {
        let glyphs = canvas.glyphs
        let total = state.run.rows.count
        let chips = "\(state.count(.done))/\(total) done  \(glyphs.done)\(state.count(.done)) \(glyphs.blocked)\(state.count(.blocked)) "
            + "\(glyphs.skipped)\(state.count(.skipped)) \(glyphs.spinner[0])\(state.count(.running)) \(glyphs.pending)\(state.count(.pending))"
        let bar = glyphs.vertical
        let right = "phases \(state.run.capUsed)/\(state.run.cap) \(bar) breaker \(state.run.breakerCount)/\(state.run.breakerThreshold)"
        canvas.bar(chips, y: y, right: right)
    }

    private static func drawFooter(_ state: ViewState, on canvas: inout Canvas, y: Int) {
        let width = canvas.buffer.width
        if state.watching, let notice = state.watchNotice, !state.run.confirmingQuit, state.run.searchDraft == nil {
            canvas.text(notice, x: 1, y: y, width: width - 2, style: canvas.style(.red, bold: true))
        } else if state.watching, state.run.confirmingQuit {
            canvas.text("Stop the watched run (SIGTERM to its process)? y: stop gracefully   n/Esc: keep it running", x: 1, y: y,
                        width: width - 2, style: canvas.style(.yellow, bold: true))
        } else if state.run.shuttingDown && !state.watching {
            canvas.text("Stopping: waiting for the agent and saving state… Ctrl-C again forces it.", x: 1, y: y,
                        width: width - 2, style: canvas.style(.yellow, bold: true))
        } else if state.run.confirmingQuit {
            canvas.text("Stop the run? y: stop gracefully   n/Esc: keep running", x: 1, y: y, width: width - 2,
                        style: canvas.style(.yellow, bold: true))
        } else if let draft = state.run.searchDraft {
            let end = canvas.text("/" + draft, x: 1, y: y, width: width - 3, style: Style(bold: true))
            canvas.buffer.put(" ", x: end, y: y, style: Style(reverse: true))
        } else if let message = state.run.searchMessage {
            canvas.text(message, x: 1, y: y, width: width - 2, style: canvas.style(.red, bold: true))
        } else {
            canvas.footer(for: .run, watching: state.watching, y: y)
        }
    }
}
