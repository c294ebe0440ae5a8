/// Drawing helpers over a `ScreenBuffer` that know the state's colour and glyph choices.
struct Canvas {
    var buffer: ScreenBuffer
    let glyphs: Glyphs
    let colors: Bool
    let unicode: Bool

    init(state: ViewState, width: Int, height: Int) {
        buffer = ScreenBuffer(width: width, height: height)
        glyphs = Glyphs.forState(state)
        colors = state.colors
        unicode = state.unicode
    }

    /// A coloured style, or just its attributes under NO_COLOR.
    func style(_ color: Style.Color?, bold: Bool = false) -> Style {
        Style(foreground: colors ? color : nil, bold: bold)
    }

    /// Writes sanitized-or-trusted text, cut to `width` with an ellipsis.
    @discardableResult
    mutating func text(_ text: String, x: Int, y: Int, width: Int, style: Style = .plain) -> Int {
        guard width > 0 else { return x }
        return buffer.put(Sanitizer.truncate(text, to: width, unicode: unicode), x: x, y: y, style: style, maxWidth: width)
    }

    /// A bordered box with an optional title in the top border.
    mutating func box(_ rect: Rect, title: String? = nil, style: Style = .plain, titleStyle: Style = Style(bold: true)) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        let line = String(repeating: glyphs.horizontal, count: rect.width - 2)
        buffer.put(glyphs.topLeft + line + glyphs.topRight, x: rect.x, y: rect.y, style: style)
        buffer.put(glyphs.bottomLeft + line + glyphs.bottomRight, x: rect.x, y: bottom, style: style)
        for row in (rect.y + 1)..<bottom {
            buffer.put(glyphs.vertical, x: rect.x, y: row, style: style)
            buffer.put(glyphs.vertical, x: right, y: row, style: style)
        }
        if let title, rect.width > 6 {
            text(" \(title) ", x: rect.x + 2, y: rect.y, width: rect.width - 4, style: titleStyle)
        }
    }

    /// A full-width bar (header, status bar) in reverse video.
    mutating func bar(_ text: String, y: Int, right: String = "") {
        let width = buffer.width
        buffer.fill(x: 0, y: y, width: width, height: 1, style: Style(reverse: true))
        let rightWidth = min(right.unicodeScalars.count, max(0, width - 2))
        self.text(text, x: 1, y: y, width: max(0, width - rightWidth - 3), style: Style(reverse: true))
        if rightWidth > 0 {
            self.text(right, x: width - rightWidth - 1, y: y, width: rightWidth, style: Style(reverse: true))
        }
    }

    /// Footer hints generated from the key table, fitted to the width.
    mutating func footer(for screen: ScreenKind, watching: Bool = false, y: Int) {
        let hints = KeyTable.bindings(for: screen, watching: watching).compactMap { binding in
            binding.label.map { (text: "\(binding.footerNames ?? binding.keyNames) \($0)", essential: binding.action.isEssentialHint) }
        }
        text(Self.fitHints(hints, width: buffer.width - 2), x: 1, y: y, width: buffer.width - 2, style: Style(dim: true))
    }

    /// The hints that fit in `width`, in table order. When not all fit, the essential ones
    /// (help, and how to get out) are kept and the others fill the room left, so a narrow
    /// terminal never hides how to stop.
    static func fitHints(_ hints: [(text: String, essential: Bool)], width: Int) -> String {
        func length(_ chosen: [String]) -> Int {
            chosen.reduce(0) { $0 + $1.unicodeScalars.count } + max(0, chosen.count - 1) * 2
        }
        let all = hints.map(\.text)
        if length(all) <= width { return all.joined(separator: "  ") }
        var keep = hints.map(\.essential)
        for index in hints.indices where !keep[index] {
            keep[index] = true
            if length(hints.indices.filter { keep[$0] }.map { hints[$0].text }) > width { keep[index] = false }
        }
        return hints.indices.filter { keep[$0] }.map { hints[$0].text }.joined(separator: "  ")
    }
}

/// `mm:ss`, or `h:mm:ss` from an hour on.
func formatDuration(_ seconds: Double) -> String {
    let total = max(0, Int(seconds.rounded(.down)))
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(two(minutes)):\(two(secs))"
}
