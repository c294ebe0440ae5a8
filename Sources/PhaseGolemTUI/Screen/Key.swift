/// A key the UI understands, decoded from the terminal by the backend.
public enum Key: Hashable, Sendable {
    case character(Character)
    case enter, escape, tab, backspace
    case up, down, left, right, pageUp, pageDown, home, end
    case interrupt
    case resize
}
