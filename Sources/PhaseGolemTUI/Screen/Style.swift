/// How a cell is drawn: colours and attributes, independent of ncurses.
public struct Style: Hashable, Sendable {
    /// The eight basic terminal colours; nil means the terminal's default.
    public enum Color: Int, Hashable, Sendable {
        case black, red, green, yellow, blue, magenta, cyan, white
    }

    public var foreground: Color?
    public var background: Color?
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false

    public init(foreground: Color? = nil, background: Color? = nil, bold: Bool = false, dim: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()

    /// One letter per attribute for snapshot attribute layers: colour initial (upper case when
    /// bold), `r` reverse, `u` underline, `d` dim, `.` plain.
    public var code: Character {
        if reverse { return "r" }
        if let foreground {
            let letter: Character = ["k", "r", "g", "y", "b", "m", "c", "w"][foreground.rawValue]
            return bold ? Character(letter.uppercased()) : letter
        }
        if bold { return "B" }
        if underline { return "u" }
        if dim { return "d" }
        return "."
    }
}
