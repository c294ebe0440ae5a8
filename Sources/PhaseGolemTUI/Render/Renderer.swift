/// Draws a view state into a screen buffer; pure, so every screen can be snapshot-tested.
public enum Renderer {
    public static func render(_ state: ViewState, width: Int, height: Int) -> ScreenBuffer {
        var canvas = Canvas(state: state, width: width, height: height)
        if Layout.isTooSmall(width: width, height: height) {
            drawTooSmall(&canvas, width: width, height: height)
            return canvas.buffer
        }
        switch state.screen {
        case .launch: LaunchScreenRenderer.draw(state, on: &canvas)
        case .run: RunScreenRenderer.draw(state, on: &canvas)
        case .summary: SummaryScreenRenderer.draw(state, on: &canvas)
        }
        if state.showHelp { HelpOverlayRenderer.draw(state, on: &canvas) }
        return canvas.buffer
    }

    /// What the frame shows of the clock (spinner, elapsed times): when neither this nor the
    /// state changed, the frame would be the same.
    static func clockReadings(_ state: ViewState) -> [Int] {
        state.screen == .run ? RunScreenRenderer.clockReadings(state) : []
    }

    private static func drawTooSmall(_ canvas: inout Canvas, width: Int, height: Int) {
        let dash = canvas.unicode ? "—" : "-"
        let message = "Terminal too small (\(width)x\(height)) \(dash) need at least \(Layout.minimumWidth)x\(Layout.minimumHeight)"
        // Wrap on spaces so the whole message stays readable on very narrow terminals.
        var lines: [String] = []
        var current = ""
        for word in message.split(separator: " ") {
            if !current.isEmpty, current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        let top = max(0, (height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let x = max(0, (width - line.count) / 2)
            canvas.text(line, x: x, y: top + offset, width: width - x, style: Style(bold: true))
        }
    }
}
