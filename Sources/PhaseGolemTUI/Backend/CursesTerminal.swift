import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// The only code that talks to ncurses: starts and restores the terminal, blits a
/// `ScreenBuffer`, and reads keys. Every call must come from the one thread that created it.
public final class CursesTerminal {
    private var screen: OpaquePointer?
    private var window: UnsafeMutablePointer<WINDOW>?
    private var pairs: [Int: Int16] = [:]
    private var lastDrawn: ScreenBuffer?
    /// Whether the locale can show the Unicode markers (else the UI uses ASCII).
    public let unicode: Bool
    /// Whether colour is wanted and supported (`NO_COLOR` turns it off).
    public let colors: Bool

    /// Why the terminal could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts curses on the controlling terminal (stdin/stdout), or fails without touching it.
    public init(useColor: Bool) throws {
        setlocale(LC_ALL, "")
        // The operator's locale decides Unicode markers or the ASCII fallback; ncurses' wide API
        // still needs a UTF-8 codeset to work at all (glibc always has C.UTF-8).
        unicode = String(cString: pg_codeset()) == "UTF-8"
        if !unicode {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        guard let screen = newterm(nil, pg_stdout(), pg_stdin()) else {
            let term = getenv("TERM").map { String(cString: $0) } ?? ""
            throw Failure(description: "Cannot start the full-screen UI on this terminal (TERM=\(term)). Use --no-tui.")
        }
        self.screen = screen
        set_term(screen)
        window = pg_stdscr()
        // raw, not cbreak: Ctrl-C must reach the UI as a key (it asks before stopping a run).
        raw()
        noecho()
        nonl()
        intrflush(window, false)
        keypad(window, true)
        set_escdelay(25)
        curs_set(0)
        if useColor, has_colors() {
            start_color()
            use_default_colors()
            colors = true
        } else {
            colors = false
        }
    }

    deinit {
        restore()
    }

    /// Gives the terminal back: safe to call more than once, and from every exit path.
    public func restore() {
        guard let screen else { return }
        curs_set(1)
        endwin()
        delscreen(screen)
        self.screen = nil
        window = nil
    }

    /// The current size in columns and rows.
    public var size: (width: Int, height: Int) {
        guard let window else { return (0, 0) }
        return (Int(getmaxx(window)), Int(getmaxy(window)))
    }

    /// Draws `buffer`, writing only the cells that changed since the last frame.
    public func draw(_ buffer: ScreenBuffer, clear: Bool = false) {
        guard let window else { return }
        if clear || lastDrawn?.width != buffer.width || lastDrawn?.height != buffer.height {
            clearok(window, true)
            lastDrawn = nil
        }
        let (width, height) = size
        for row in 0..<min(buffer.height, height) {
            for column in 0..<min(buffer.width, width) {
                let cell = buffer[column, row]
                if let lastDrawn, lastDrawn[column, row] == cell { continue }
                // The bottom-right cell scrolls some terminals when written; leave it blank.
                if row == height - 1 && column == width - 1 { continue }
                put(cell, column: column, row: row)
            }
        }
        lastDrawn = buffer
        wnoutrefresh(window)
        doupdate()
    }

    private func put(_ cell: ScreenBuffer.Cell, column: Int, row: Int) {
        guard let window else { return }
        var attributes = pg_a_normal()
        if cell.style.bold { attributes |= pg_a_bold() }
        if cell.style.dim { attributes |= pg_a_dim() }
        if cell.style.reverse { attributes |= pg_a_reverse() }
        if cell.style.underline { attributes |= pg_a_underline() }
        let pair = colors ? pairNumber(cell.style) : 0
        var wide = cchar_t()
        // Without a UTF-8 locale the terminal gets ASCII only, whatever the text contained.
        let scalar = unicode || cell.scalar.isASCII ? cell.scalar : "?"
        var characters: [wchar_t] = [wchar_t(bitPattern: scalar.value), 0]
        setcchar(&wide, &characters, attributes, pair, nil)
        mvwadd_wch(window, Int32(row), Int32(column), &wide)
    }

    private func pairNumber(_ style: Style) -> Int16 {
        guard style.foreground != nil || style.background != nil else { return 0 }
        let key = (style.foreground?.rawValue ?? -1) * 16 + (style.background?.rawValue ?? -1) + 17
        if let existing = pairs[key] { return existing }
        let number = Int16(pairs.count + 1)
        guard Int32(number) < pg_color_pairs() else { return 0 }
        init_pair(number, Int16(style.foreground?.rawValue ?? -1), Int16(style.background?.rawValue ?? -1))
        pairs[key] = number
        return number
    }

    /// Waits up to `milliseconds` for a key; nil when none came.
    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        guard let window else { return nil }
        wtimeout(window, timeoutMilliseconds)
        var value: wint_t = 0
        let result = wget_wch(window, &value)
        if result == KEY_CODE_YES {
            switch Int32(value) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: return .resize
            default: return nil
            }
        }
        guard result == OK, let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
        switch scalar.value {
        case 3: return .interrupt
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0..<32: return nil
        default: return .character(Character(scalar))
        }
    }
}
