/// One readable line about what an agent is doing, made from its raw output by an
/// `AgentStreamTranslator` (`Bash: swift test`, `API retry 3/10 in 4 s: 529 overloaded`).
///
/// The raw line stays in the attempt's log file; observers show this instead. `text` is
/// one line, unsanitized (it quotes agent output: observers sanitize it as they do agent
/// output), and may be long: observers cut it to fit.
public struct AgentActivity: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable {
        /// The agent started (model, session).
        case start
        /// Words of the agent (or a line that was not in the stream's format, shown as it is).
        case text
        /// A tool call: what the agent acts on.
        case tool
        /// A tool call failed: its result, cut.
        case toolFailed
        /// The agent is retrying an API error.
        case retry
        /// The run ended: turns, time, cost, tokens.
        case end
    }

    public var kind: Kind
    public var text: String
    /// The agent's turn count when this happened, when the translator counts turns.
    public var turn: Int?

    public init(_ kind: Kind, _ text: String, turn: Int? = nil) {
        self.kind = kind
        self.text = text
        self.turn = turn
    }
}
