import PhaseGolemCore
/// The launch screen: targets or backlog picks, settings, preflight.
enum LaunchScreenRenderer {
    static func draw(_ state: ViewState, on canvas: inout Canvas) {
        let width = canvas.buffer.width
        let height = canvas.buffer.height
        let sep = canvas.glyphs.separator
        canvas.bar("phase-golem \(sep) \(state.input.projectName) \(sep) launch", y: 0,
                   right: "auto-advance \(state.params.autoAdvance ? "ON" : "OFF")")

        let body = Layout.body(width: width, height: height)
        let errors = state.input.preflightErrors
        let settingsHeight = 5
        let errorLines = errors.flatMap { $0.description.split(separator: "\n").map(String.init) }
        let preflightHeight = errors.isEmpty ? 0 : min(errorLines.count + 2, max(3, (body.height - settingsHeight) / 2))
        let targetsHeight = body.height - settingsHeight - preflightHeight
        drawTargets(state, on: &canvas, rect: Rect(x: 0, y: body.y, width: width, height: targetsHeight))
        drawSettings(state, on: &canvas, rect: Rect(x: 0, y: body.y + targetsHeight, width: width, height: settingsHeight))
        if preflightHeight > 0 {
            let rect = Rect(x: 0, y: body.y + targetsHeight + settingsHeight, width: width, height: preflightHeight)
            canvas.box(rect, title: "Preflight FAILED \(sep) launch blocked", style: canvas.style(.red),
                       titleStyle: canvas.style(.red, bold: true))
            for (offset, line) in errorLines.prefix(rect.inner.height).enumerated() {
                let isHeadline = line.hasPrefix("Preflight error")
                canvas.text(line, x: rect.inner.x + 1, y: rect.inner.y + offset, width: rect.inner.width - 2,
                            style: isHeadline ? canvas.style(.red, bold: true) : .plain)
            }
        }

        if let notice = state.launch.notice {
            canvas.text(notice, x: 1, y: height - 2, width: width - 2, style: canvas.style(.red, bold: true))
        } else if state.launch.picking {
            let count = state.launchTargets.count
            let hint = count == 0 ? "Nothing picked: Enter runs the whole backlog\(state.params.filter.map { " matching \($0.display)" } ?? "")"
                : "\(count) picked, run in the order shown"
            canvas.text(hint, x: 1, y: height - 2, width: width - 2, style: Style(dim: true))
        }
        canvas.footer(for: .launch, y: height - 1)
    }

    private static func drawTargets(_ state: ViewState, on canvas: inout Canvas, rect: Rect) {
        let title = state.launch.picking ? "Backlog \(canvas.glyphs.separator) pick targets" : "Targets (run order)"
        canvas.box(rect, title: title)
        let inner = rect.inner
        let rows = state.launch.rows
        guard !rows.isEmpty else {
            canvas.text("No actionable items in the backlog.", x: inner.x + 1, y: inner.y, width: inner.width - 2, style: Style(dim: true))
            return
        }
        // Keep the highlighted row in view.
        let first = max(0, min(state.launch.highlight - inner.height + 1, rows.count - inner.height))
        let idWidth = min(14, rows.map { $0.id.unicodeScalars.count }.max() ?? 0)
        for (offset, item) in rows.dropFirst(first).prefix(inner.height).enumerated() {
            let index = first + offset
            let y = inner.y + offset
            var x = inner.x + 1
            if state.launch.picking {
                let mark = state.launch.picked.contains(item.id) ? "[x]" : "[ ]"
                x = canvas.text(mark, x: x, y: y, width: 3) + 1
            } else {
                x = canvas.text("\(index + 1).", x: x, y: y, width: 3) + 1
            }
            canvas.text(item.id, x: x, y: y, width: idWidth, style: Style(bold: true))
            x += idWidth + 1
            let status = item.status + (item.phase.map { " \($0)" } ?? "")
            let statusWidth = 22
            canvas.text(status, x: x, y: y, width: statusWidth, style: statusStyle(item.status, canvas))
            x += statusWidth + 1
            canvas.text(item.title, x: x, y: y, width: inner.x + inner.width - x - 1)
            if index == state.launch.highlight {
                canvas.buffer.highlight(x: inner.x, y: y, width: inner.width)
            }
        }
    }

    private static func statusStyle(_ status: String, _ canvas: Canvas) -> Style {
        switch status {
        case "done": canvas.style(.green)
        case "blocked": canvas.style(.red)
        case "in_progress": canvas.style(.cyan)
        default: .plain
        }
    }

    private static func drawSettings(_ state: ViewState, on canvas: inout Canvas, rect: Rect) {
        canvas.box(rect, title: "Settings")
        let inner = rect.inner
        let params = state.params
        let timeout = state.input.phaseTimeoutMinutes
        let timeoutText = timeout == timeout.rounded() ? "\(Int(timeout))m" : "\(timeout)m"
        var x = inner.x + 1
        x = canvas.text("Auto-advance: ", x: x, y: inner.y, width: inner.x + inner.width - x)
        x = canvas.text(params.autoAdvance ? "ON" : "OFF", x: x, y: inner.y, width: 3,
                        style: canvas.style(params.autoAdvance ? .green : .yellow, bold: true))
        canvas.text("   Phase cap: \(params.cap)   Retries: \(state.input.maxRetries)   Timeout: \(timeoutText)",
                    x: x, y: inner.y, width: inner.x + inner.width - x - 1)
        // The budget is always stated, so "no budget" is a visible choice, not an oversight.
        let budget = params.maxCostUSD.map { "Budget: \(ActivitySummary.cost($0))" } ?? "Budget: none"
        canvas.text("Agent: \(state.input.agentDescription)   \(budget)", x: inner.x + 1, y: inner.y + 1, width: inner.width - 2)
        let errors = state.input.preflightErrors.count
        if errors == 0 {
            canvas.text("Preflight: passed", x: inner.x + 1, y: inner.y + 2, width: inner.width - 2, style: canvas.style(.green))
        } else {
            canvas.text("Preflight: FAILED \(canvas.glyphs.separator) \(errors) error\(errors == 1 ? "" : "s")",
                        x: inner.x + 1, y: inner.y + 2, width: inner.width - 2, style: canvas.style(.red, bold: true))
        }
    }
}
