/// Markers and borders, in Unicode or (without a UTF-8 locale) ASCII.
struct Glyphs {
    let pending, done, blocked, skipped: String
    let spinner: [String]
    let horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: String
    let separator: String
    /// Leads the running agent's activity on the line under its target.
    let activity: String

    static let unicode = Glyphs(pending: "·", done: "✔", blocked: "✖", skipped: "⏭",
                                spinner: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
                                horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
                                bottomRight: "┘", separator: "·", activity: "↳")
    static let ascii = Glyphs(pending: ".", done: "+", blocked: "x", skipped: ">", spinner: ["|", "/", "-", "\\"],
                              horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
                              bottomRight: "+", separator: "-", activity: "->")

    static func forState(_ state: ViewState) -> Glyphs { state.unicode ? unicode : ascii }

    /// The spinner frame for a clock reading: ten frames a second.
    func spinnerFrame(at now: Double) -> String {
        spinner[Self.spinnerTick(at: now) % spinner.count]
    }

    /// Counts spinner frames: ten a second.
    static func spinnerTick(at now: Double) -> Int {
        Int((max(0, now) * 10).rounded(.down))
    }
}
