import Synchronization
@testable import PhaseGolemCore

/// An in-memory agent for in-process scheduler tests: per item and phase, a queue of replies
/// (the last one repeats); an item and phase without a script completes.
///
/// It does what the scheduler can observe of an agent and nothing else: no process, no result
/// file. Every call is recorded as `ITEM PHASE ATTEMPT`, as the shell fake agent logs.
final class ScriptedAgentRunner: AgentRunner {
    /// One agent run's answer.
    struct Reply: Sendable {
        enum Action: Sendable {
            case complete
            case subphase
            /// A `failed` result (the executor retries it).
            case fail
            /// A `blocked` result, the text as `context` and `summary`.
            case block
            /// The agent exited without writing a result (an agent error, retried).
            case noResult
            /// Any other agent error, in these words.
            case agentError(String)
            /// Exited with `code` without a result file, having printed `lines` last (what the
            /// classifier reads: `API Error: 529 …`, the root refusal, or anything else).
            case exitWithout(code: Int32, lines: [String])
            /// The agent stopped itself at its `--max-budget-usd` (facts say `budgetExhausted`).
            case budgetStop
        }

        var action: Action
        var text: String
        /// Waits this long first, as a working agent does; ends early, with an agent error,
        /// when the run shuts down (a real agent is killed then).
        var delay: Duration?
        /// Changes the result before it is returned: follow-ups, duplicates, assessments, and
        /// per-phase facts the result grows (cost and tokens: `$0.cost = …`).
        var edit: (@Sendable (inout PhaseResult) -> Void)?
        /// What the agent reports about the run (sent as `.facts`; empty facts when nil).
        var facts: AgentRunFacts?

        static func complete(_ summary: String = "Done") -> Reply { Reply(action: .complete, text: summary) }
        static func subphase(_ summary: String = "More to do") -> Reply { Reply(action: .subphase, text: summary) }
        static func fail(_ summary: String = "Tests fail") -> Reply { Reply(action: .fail, text: summary) }
        static func block(_ reason: String = "Needs a decision") -> Reply { Reply(action: .block, text: reason) }
        static let noResult = Reply(action: .noResult, text: "")
        static func agentError(_ message: String) -> Reply { Reply(action: .agentError(message), text: message) }
        /// The API overloaded, as Claude Code reports it after its own retries: an agent failure (docs/decisions.md D14).
        static let overloaded = exitWithout(1, ["API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"])
        /// A crash no signature names: an item failure, counted by the streak rule.
        static let crash = exitWithout(139, ["Segmentation fault"])
        static func exitWithout(_ code: Int32, _ lines: [String]) -> Reply {
            Reply(action: .exitWithout(code: code, lines: lines), text: lines.last ?? "")
        }

        /// Stopped by the CLI at the budget it was given, having spent `cost`.
        static func budgetStop(cost: Double) -> Reply {
            Reply(action: .budgetStop, text: "", facts: AgentRunFacts(costUSD: cost, isError: true,
                                                                       terminalReason: "budget_exhausted", budgetExhausted: true))
        }

        /// The same reply, reporting that it cost `usd` (and 1000 input tokens, 100 output).
        func costing(_ usd: Double) -> Reply {
            var copy = self
            copy.facts = AgentRunFacts(costUSD: usd, inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0,
                                       cacheCreationTokens: 0, turns: 1, durationMs: 1000)
            return copy
        }

        /// The same reply after waiting `delay`.
        func after(_ delay: Duration) -> Reply {
            var copy = self
            copy.delay = delay
            return copy
        }

        /// The same reply, its result changed by `edit` (after any earlier edit).
        func with(_ edit: @escaping @Sendable (inout PhaseResult) -> Void) -> Reply {
            var copy = self
            let earlier = self.edit
            copy.edit = { result in
                earlier?(&result)
                edit(&result)
            }
            return copy
        }
    }

    private struct State {
        var scripts: [String: [Reply]] = [:]
        var calls: [String] = []
        var prompts: [String] = []
        var budgets: [Double?] = []
    }

    private let state: Mutex<State>
    private let shutdown: ShutdownFlag
    /// `ITEM PHASE ATTEMPT` as each run starts: what a test awaits instead of sleeping.
    let started: AsyncStream<String>
    private let startedContinuation: AsyncStream<String>.Continuation

    /// - Parameter script: replies by `"ITEM PHASE"` (phase `triage` for triage), in order.
    init(_ script: [String: [Reply]] = [:], shutdown: ShutdownFlag) {
        state = Mutex(State(scripts: script))
        self.shutdown = shutdown
        (started, startedContinuation) = AsyncStream.makeStream()
    }

    /// Replaces the replies from now on (the agent that works again, for a second run).
    func rescript(_ script: [String: [Reply]]) {
        state.withLock { $0.scripts = script }
    }

    /// `ITEM PHASE ATTEMPT` for every run so far, in call order.
    var calls: [String] { state.withLock { $0.calls } }

    /// The `maxBudgetUSD` every run was given, in call order.
    var budgets: [Double?] { state.withLock { $0.budgets } }

    /// The prompt of every run so far, in call order.
    var prompts: [String] { state.withLock { $0.prompts } }

    func run(_ request: AgentRequest, onEvent: @escaping @Sendable (AgentEvent) -> Void) async -> Result<PhaseResult, AgentError> {
        let key = "\(request.itemID) \(request.phase)"
        let reply = state.withLock { state -> Reply in
            state.calls.append("\(key) \(request.attempt)")
            state.prompts.append(request.prompt)
            state.budgets.append(request.maxBudgetUSD)
            guard var queue = state.scripts[key], let first = queue.first else { return .complete() }
            if queue.count > 1 { queue.removeFirst() }
            state.scripts[key] = queue
            return first
        }
        startedContinuation.yield("\(key) \(request.attempt)")
        // Sent before returning, on every path, as `AgentRunner` requires.
        defer { onEvent(.facts(reply.facts ?? AgentRunFacts())) }
        onEvent(.output([AgentOutputLine(stream: .stdout, text: "scripted agent: \(key) attempt \(request.attempt)")]))
        if let delay = reply.delay {
            let end = ContinuousClock.now + delay
            while ContinuousClock.now < end {
                if shutdown.isRequested { return .failure(AgentError("Agent terminated by shutdown")) }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        var result = PhaseResult(itemID: request.itemID, phase: request.phase, result: .phaseComplete, summary: reply.text)
        switch reply.action {
        case .complete: break
        case .subphase: result.result = .subphaseComplete
        case .fail: result.result = .failed
        case .block:
            result.result = .blocked
            result.context = reply.text
        case .noResult: return .failure(AgentError("Agent exited without writing a result file"))
        case .agentError(let message): return .failure(AgentError(message))
        case .exitWithout(let code, let lines):
            onEvent(.output(lines.map { AgentOutputLine(stream: .stdout, text: $0) }))
            return .failure(AgentError("Agent failed (exit code \(code)): Result file not found: \(request.resultPath)",
                                       cause: .noResultFile(.exited(code))))
        case .budgetStop: return .failure(AgentError("Agent failed (exit status: 1): Result file not found: \(request.resultPath)"))
        }
        reply.edit?(&result)
        return .success(result)
    }
}
