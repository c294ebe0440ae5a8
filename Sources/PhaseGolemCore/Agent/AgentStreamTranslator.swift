/// Reads an agent's structured stdout (Claude's stream-json, Codex's JSON events) as it
/// arrives, turning it into readable activity lines and collecting the run's facts.
///
/// How a runner uses one: a fresh translator per attempt; every stdout line goes to
/// `translate(_:)` in order, on one thread (the runner's), as soon as it is complete; the
/// activities it returns are shown instead of the raw line (the raw line is in the log file
/// either way); after the last line, `facts` is what the run reported. Stderr lines never
/// reach the translator: they are shown as they are.
///
/// Rules for implementations:
/// - A line that is not in the expected format is returned as one `.text` activity holding
///   the line, so a wrapper script printing plain text still shows its output.
/// - A line may be cut (`AgentOutputLine.truncatedFromBytes` is set; `AgentOutputLine.head`
///   is the kept start): huge lines (a tool result holding a whole file) are never held whole
///   in memory. Make what you can of the head; never treat a cut line as invalid output.
/// - Lines that carry nothing worth reading (tool results that succeeded, bookkeeping) return
///   no activity.
/// - Return quickly: while a line is translated, the agent's output is not read.
public protocol AgentStreamTranslator: Sendable {
    /// Translates one stdout line.
    mutating func translate(_ line: AgentOutputLine) -> [AgentActivity]
    /// What the lines so far said about the run; final once the stream has ended.
    var facts: AgentRunFacts { get }
}
