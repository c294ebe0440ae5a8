/// A grid of styled cells: what the renderer draws and the backend blits.
///
/// Each cell holds one Unicode scalar of display width 1; text is sanitized and cut before it
/// is put here, so a cell can never hold a control character.
public struct ScreenBuffer: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var scalar: Unicode.Scalar
        public var style: Style

        public static let blank = Cell(scalar: " ", style: .plain)
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from column `x` of row `y`, clipped to `maxWidth` columns and the screen;
    /// returns the column after the last one written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        for scalar in text.unicodeScalars {
            guard column < limit else { break }
            if column >= 0 {
                let printable = scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80...0x9F).contains(scalar.value)
                self[column, y] = Cell(scalar: printable ? scalar : "?", style: style)
            }
            column += 1
        }
        return column
    }

    /// Fills a rectangle with blanks in `style` (backgrounds, selected rows).
    public mutating func fill(x: Int, y: Int, width fillWidth: Int, height fillHeight: Int, style: Style) {
        for row in max(0, y)..<min(height, y + fillHeight) {
            for column in max(0, x)..<min(width, x + fillWidth) {
                self[column, row] = Cell(scalar: " ", style: style)
            }
        }
    }

    /// Re-styles cells without changing their characters.
    public mutating func restyle(x: Int, y: Int, width styleWidth: Int, style: Style) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + styleWidth) {
            self[column, y].style = style
        }
    }

    /// Marks cells as selected: reverse video on top of their own colours, so a status colour
    /// stays visible on the highlighted row (a plain reverse restyle would erase it).
    public mutating func highlight(x: Int, y: Int, width highlightWidth: Int) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + highlightWidth) {
            self[column, y].style.reverse = true
            self[column, y].style.dim = false
        }
    }

    /// The text layer, one string per row, trailing spaces kept (fixed width).
    public var textLines: [String] {
        (0..<height).map { row in
            var line = String.UnicodeScalarView()
            for column in 0..<width { line.append(self[column, row].scalar) }
            return String(line)
        }
    }

    /// The attribute layer: one `Style.code` per cell.
    public var attributeLines: [String] {
        (0..<height).map { row in String((0..<width).map { self[$0, row].style.code }) }
    }

    /// Text and attribute layers in one document, for snapshot files.
    public var snapshot: String {
        "text \(width)x\(height)\n" + textLines.joined(separator: "\n") + "\nattributes\n" + attributeLines.joined(separator: "\n") + "\n"
    }
}
