/// A rectangle of the screen.
struct Rect: Equatable {
    var x, y, width, height: Int

    /// The inside of a box drawn on this rectangle.
    var inner: Rect { Rect(x: x + 1, y: y + 1, width: max(0, width - 2), height: max(0, height - 2)) }
}

/// Where the panes go; shared by the renderer and the reducer's paging.
enum Layout {
    static let minimumWidth = 60
    static let minimumHeight = 15
    /// From this width on, the run screen puts targets left of the log instead of above it.
    static let sideBySideWidth = 100

    static func isTooSmall(width: Int, height: Int) -> Bool {
        width < minimumWidth || height < minimumHeight
    }

    /// Rows 1 to height-3: between the header and the status bar and footer.
    static func body(width: Int, height: Int) -> Rect {
        Rect(x: 0, y: 1, width: width, height: max(0, height - 3))
    }

    /// The run screen's target pane and log pane.
    static func runPanes(_ state: ViewState, width: Int, height: Int) -> (targets: Rect, log: Rect) {
        let body = body(width: width, height: height)
        if width >= sideBySideWidth {
            let targetsWidth = min(56, max(40, width * 2 / 5))
            return (Rect(x: 0, y: body.y, width: targetsWidth, height: body.height),
                    Rect(x: targetsWidth, y: body.y, width: width - targetsWidth, height: body.height))
        }
        let wanted = state.run.rows.count + 2 + (state.run.showDetail ? 1 : 0)
        let targetsHeight = max(3, min(wanted, body.height / 2))
        return (Rect(x: 0, y: body.y, width: width, height: targetsHeight),
                Rect(x: 0, y: body.y + targetsHeight, width: width, height: body.height - targetsHeight))
    }

    /// How many log lines the log pane shows.
    static func logLines(_ state: ViewState, width: Int, height: Int) -> Int {
        guard !isTooSmall(width: width, height: height) else { return 1 }
        return runPanes(state, width: width, height: height).log.inner.height
    }
}
