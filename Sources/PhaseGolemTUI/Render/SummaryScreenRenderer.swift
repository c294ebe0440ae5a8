import PhaseGolemCore

/// The summary screen shown when the run halts.
enum SummaryScreenRenderer {
    static func draw(_ state: ViewState, on canvas: inout Canvas) {
        let width = canvas.buffer.width
        let height = canvas.buffer.height
        let sep = canvas.glyphs.separator
        let runTime = state.run.runStartedAt.map { formatDuration(state.now - $0) } ?? "--:--"
        canvas.bar("phase-golem \(sep) \(state.input.projectName) \(sep) run finished", y: 0, right: runTime)
        let body = Layout.body(width: width, height: height)
        canvas.box(body, title: "Run summary")
        let inner = body.inner
        guard let summary = state.summary else { return }
        var lines: [(String, Style)] = []
        lines.append(("Halt reason: \(summary.haltReason.rawValue)", Style(bold: true)))
        lines.append(("  " + summary.haltReason.explanation, .plain))
        if let failure = summary.agentFailure {
            // docs/decisions.md D14: the agent's own words and the fix, before the lists.
            lines.append(("  The agent said: " + Sanitizer.sanitize(failure.lastWords), canvas.style(.red)))
            lines.append(("  Fix: " + Sanitizer.sanitize(failure.fix), canvas.style(.yellow)))
        }
        let completed = summary.itemsCompleted
        lines.append(("Completed (\(completed.count)): \(completed.isEmpty ? "none" : completed.joined(separator: ", "))",
                      canvas.style(completed.isEmpty ? nil : .green)))
        lines.append(("Blocked (\(summary.itemsBlocked.count))\(summary.itemsBlocked.isEmpty ? ": none" : ":")",
                      canvas.style(summary.itemsBlocked.isEmpty ? nil : .red)))
        let rowsByID = Dictionary(state.run.rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in summary.itemsBlocked {
            let reason = summary.blockReasons[id] ?? rowsByID[id]?.reason ?? "no reason recorded"
            lines.append(("  \(canvas.glyphs.blocked) \(id) \(sep) \(reason)", canvas.style(.red)))
        }
        let skipped = skippedRows(state, summary: summary)
        lines.append(("Skipped (\(skipped.count))\(skipped.isEmpty ? ": none" : ":")", canvas.style(skipped.isEmpty ? nil : .yellow)))
        for (id, reason) in skipped {
            lines.append(("  \(canvas.glyphs.skipped) \(id) \(sep) \(reason)", canvas.style(.yellow)))
        }
        var counts = "Phases executed: \(summary.phasesExecuted)   Follow-ups created: \(summary.followUpsCreated)"
        if summary.itemsMerged > 0 { counts += "   Items merged: \(summary.itemsMerged)" }
        lines.append((counts, .plain))
        lines += report(state, summary: summary, canvas: canvas)

        let exitLine = exitMeaning(summary, unicode: canvas.unicode)
        let exitStyle = canvas.style(summary.exitCode == 0 ? .green : .red, bold: true)
        // The exit line always shows: the list above it is cut instead.
        let room = max(0, inner.height - 2)
        let shown = lines.count > room ? max(0, room - 1) : lines.count
        for (offset, line) in lines.prefix(shown).enumerated() {
            canvas.text(line.0, x: inner.x + 1, y: inner.y + offset, width: inner.width - 2, style: line.1)
        }
        if shown < lines.count, room > 0 {
            canvas.text("… \(lines.count - shown) more line\(lines.count - shown == 1 ? "" : "s")", x: inner.x + 1,
                        y: inner.y + shown, width: inner.width - 2, style: Style(dim: true))
        }
        canvas.text(exitLine, x: inner.x + 1, y: inner.y + inner.height - 1, width: inner.width - 2, style: exitStyle)
        canvas.text("Press any key to exit (code \(summary.exitCode)).", x: 1, y: height - 2, width: width - 2,
                    style: Style(dim: true))
        canvas.footer(for: .summary, watching: state.watching, y: height - 1)
    }

    /// The report: a row per target that ran (outcome, phases, duration, cost) and the totals.
    /// Unknown costs show as `—`, never as zero.
    static func report(_ state: ViewState, summary: RunSummary, canvas: Canvas) -> [(String, Style)] {
        let ran = state.run.rows.filter { $0.phasesRun > 0 || $0.facts != nil }
        guard !ran.isEmpty else { return [] }
        let dash = canvas.unicode ? "—" : "-"
        let idWidth = min(14, ran.map { $0.id.unicodeScalars.count }.max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String {
            let count = text.unicodeScalars.count
            return count >= width ? text : text + String(repeating: " ", count: width - count)
        }
        var lines: [(String, Style)] = [("Report:", Style(bold: true))]
        for row in ran {
            let outcome = pad(row.status.rawValue, 8)
            let phases = pad(row.phasesRun == 1 ? "1 phase" : "\(row.phasesRun) phases", 9)
            let duration = pad(row.startedAt.map { formatDuration((row.finishedAt ?? state.now) - $0) } ?? dash, 7)
            let cost = row.facts.flatMap { ActivitySummary.spend($0, unicode: canvas.unicode) } ?? dash
            var text = "  \(pad(row.id, idWidth))  \(outcome) \(phases) \(duration) \(pad(cost, 7))"
            if let facts = row.facts, let tokens = ActivitySummary.tokens(facts) { text += " " + tokens }
            lines.append((text, statusStyleForReport(row.status, canvas)))
        }
        let total = state.run.totalFacts
        let sep = canvas.glyphs.separator
        var totals = "Total: \(summary.phasesExecuted) phase\(summary.phasesExecuted == 1 ? "" : "s")"
        if let started = state.run.runStartedAt { totals += " \(sep) " + formatDuration(state.now - started) }
        totals += " \(sep) " + (total.flatMap { ActivitySummary.spend($0, unicode: canvas.unicode) } ?? "cost \(dash)")
        if let total, let tokens = ActivitySummary.tokens(total) { totals += " \(sep) " + tokens }
        if let budget = summary.maxCostUSD { totals += " (budget \(ActivitySummary.cost(budget)))" }
        lines.append((totals, Style(bold: true)))
        return lines
    }

    private static func statusStyleForReport(_ status: TargetStatus, _ canvas: Canvas) -> Style {
        switch status {
        case .done: canvas.style(.green)
        case .blocked: canvas.style(.red)
        default: .plain
        }
    }

    /// Skipped targets: the scheduler's list, then targets the run never reached. `summary` is
    /// the state's, whose reasons the reducer sanitized.
    static func skippedRows(_ state: ViewState, summary: RunSummary) -> [(String, String)] {
        var result = summary.skippedTargets.map { ($0.id, $0.reason) }
        let listed = Set(result.map(\.0))
        for row in state.run.rows where row.status == .skipped && !listed.contains(row.id) {
            result.append((row.id, row.reason ?? "not reached"))
        }
        return result
    }

    /// `exit 0 — 2 completed, 1 blocked` / `exit 1 — all targets blocked`.
    static func exitMeaning(_ summary: RunSummary, unicode: Bool) -> String {
        let dash = unicode ? "—" : "-"
        if summary.allBlocked { return "exit \(summary.exitCode) \(dash) all targets blocked" }
        if summary.haltReason == .agentUnavailable {
            return "exit \(summary.exitCode) \(dash) the agent could not work; \(summary.itemsBlocked.count) blocked"
        }
        return "exit \(summary.exitCode) \(dash) \(summary.itemsCompleted.count) completed, \(summary.itemsBlocked.count) blocked"
    }
}
