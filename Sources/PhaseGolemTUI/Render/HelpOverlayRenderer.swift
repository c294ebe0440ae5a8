/// The `?` overlay: every binding of the current screen, from the key table.
enum HelpOverlayRenderer {
    static func draw(_ state: ViewState, on canvas: inout Canvas) {
        let bindings = KeyTable.bindings(for: state.screen, watching: state.watching)
        let keyWidth = bindings.map { $0.keyNames.unicodeScalars.count }.max() ?? 0
        let width = min(canvas.buffer.width - 4, 70)
        let height = min(canvas.buffer.height - 2, bindings.count + 4)
        let rect = Rect(x: (canvas.buffer.width - width) / 2, y: (canvas.buffer.height - height) / 2, width: width, height: height)
        canvas.buffer.fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height, style: .plain)
        canvas.box(rect, title: "Keys", style: canvas.style(.cyan, bold: true))
        let inner = rect.inner
        for (offset, binding) in bindings.prefix(max(0, inner.height - 1)).enumerated() {
            let y = inner.y + offset
            let pad = String(repeating: " ", count: keyWidth - binding.keyNames.unicodeScalars.count)
            canvas.text(binding.keyNames + pad, x: inner.x + 1, y: y, width: keyWidth, style: Style(bold: true))
            canvas.text(binding.description, x: inner.x + keyWidth + 3, y: y, width: inner.width - keyWidth - 4)
        }
        canvas.text("? or Esc closes", x: inner.x + 1, y: inner.y + inner.height - 1, width: inner.width - 2,
                    style: Style(dim: true))
    }
}
