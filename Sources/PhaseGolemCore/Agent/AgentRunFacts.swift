/// What an agent run reported about itself: cost, tokens, turns, how it ended.
///
/// Every number is optional because not every agent reports it: Claude Code in stream-json
/// mode reports all of them on its `result` line, a plain-text agent reports none. **Unknown is
/// never shown as zero**: an observer prints a figure only when it is known, and a sum is known
/// only when every part of it is (see `adding(_:)`).
public struct AgentRunFacts: Sendable, Equatable, Codable {
    /// What the run cost, in US dollars, as the agent computed it.
    public var costUSD: Double?
    /// Input tokens not read from the cache.
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// Input tokens read from the prompt cache.
    public var cacheReadTokens: Int?
    /// Input tokens written to the prompt cache.
    public var cacheCreationTokens: Int?
    /// Output tokens spent on reasoning (included in `outputTokens` where the agent says so).
    public var reasoningTokens: Int?
    /// The agent's own turn count (Claude's `num_turns`, not its number of API calls).
    public var turns: Int?
    /// How long the run took, in milliseconds.
    public var durationMs: Int?
    public var model: String?
    public var sessionID: String?
    /// The agent said its run failed (Claude's `is_error`; decided on that, never on `subtype`).
    public var isError: Bool
    /// The HTTP status of the API error that ended the run, if one did.
    public var apiErrorStatus: Int?
    /// Why the agent's loop ended, in its words (Claude's `terminal_reason`: `completed`, `api_error`, …).
    public var terminalReason: String?
    /// The agent's final words (Claude's `result`).
    public var resultText: String?
    /// The agent stopped itself because it reached the spending limit it was given
    /// (`--max-budget-usd`): the phase was cut short by the run's budget, not by the item.
    public var budgetExhausted: Bool
    /// In a total whose `costUSD` is unknown because some part did not report one: the sum of
    /// the parts that did. nil otherwise (see `knownCostUSD`); only `adding(_:)` sets it, so it
    /// is never set beside a known cost.
    public private(set) var costFloorUSD: Double?

    /// What is known to have been spent: the cost when it is known, else the sum of the costs
    /// that were reported (a lower bound, shown as "at least"); nil when no part reported one.
    public var knownCostUSD: Double? { costUSD ?? costFloorUSD }

    public init(costUSD: Double? = nil, inputTokens: Int? = nil, outputTokens: Int? = nil, cacheReadTokens: Int? = nil,
                cacheCreationTokens: Int? = nil, reasoningTokens: Int? = nil, turns: Int? = nil, durationMs: Int? = nil,
                model: String? = nil, sessionID: String? = nil, isError: Bool = false, apiErrorStatus: Int? = nil,
                terminalReason: String? = nil, resultText: String? = nil, budgetExhausted: Bool = false) {
        self.costUSD = costUSD
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheCreationTokens = cacheCreationTokens
        self.reasoningTokens = reasoningTokens
        self.turns = turns
        self.durationMs = durationMs
        self.model = model
        self.sessionID = sessionID
        self.isError = isError
        self.apiErrorStatus = apiErrorStatus
        self.terminalReason = terminalReason
        self.resultText = resultText
        self.budgetExhausted = budgetExhausted
    }

    /// All input tokens (uncached, cache reads and cache writes), when all three are known.
    public var totalInputTokens: Int? {
        guard let inputTokens, let cacheReadTokens, let cacheCreationTokens else { return nil }
        return inputTokens + cacheReadTokens + cacheCreationTokens
    }

    /// Every token of the run, input of all kinds plus output, when all are known.
    public var totalTokens: Int? {
        guard let input = totalInputTokens, let outputTokens else { return nil }
        return input + outputTokens
    }

    /// True when the facts say nothing at all (an agent that reports nothing).
    public var isEmpty: Bool { self == AgentRunFacts() }

    /// The facts of two runs taken together, for per-target and per-run totals.
    ///
    /// The rule for numbers: a sum is known only when **both** parts know it. A phase whose
    /// cost is unknown (a text-mode agent, a run killed before its `result` line) makes the
    /// total's cost unknown, even when the tokens of both are known: showing the known part as
    /// the total would understate the spend. (Budget enforcement, which needs a lower bound,
    /// keeps its own sum of the known costs.) That known part is kept apart, as `costFloorUSD`,
    /// so an observer can say "at least $3.20" instead of nothing. Flags are true when either part's is. Strings
    /// (model, session, terminal reason, result text) and the API status are the later part's
    /// when it has one, the earlier part's otherwise.
    public func adding(_ later: AgentRunFacts) -> AgentRunFacts {
        func sum<T: AdditiveArithmetic>(_ lhs: T?, _ rhs: T?) -> T? {
            guard let lhs, let rhs else { return nil }
            return lhs + rhs
        }
        let cost = sum(costUSD, later.costUSD)
        var total = AgentRunFacts(
            costUSD: cost,
            inputTokens: sum(inputTokens, later.inputTokens),
            outputTokens: sum(outputTokens, later.outputTokens),
            cacheReadTokens: sum(cacheReadTokens, later.cacheReadTokens),
            cacheCreationTokens: sum(cacheCreationTokens, later.cacheCreationTokens),
            reasoningTokens: sum(reasoningTokens, later.reasoningTokens),
            turns: sum(turns, later.turns),
            durationMs: sum(durationMs, later.durationMs),
            model: later.model ?? model,
            sessionID: later.sessionID ?? sessionID,
            isError: isError || later.isError,
            apiErrorStatus: later.apiErrorStatus ?? apiErrorStatus,
            terminalReason: later.terminalReason ?? terminalReason,
            resultText: later.resultText ?? resultText,
            budgetExhausted: budgetExhausted || later.budgetExhausted)
        if cost == nil, knownCostUSD != nil || later.knownCostUSD != nil {
            total.costFloorUSD = (knownCostUSD ?? 0) + (later.knownCostUSD ?? 0)
        }
        return total
    }

    /// The facts of `parts` taken together by `adding(_:)`; nil when there are none.
    public static func total(_ parts: [AgentRunFacts]) -> AgentRunFacts? {
        guard var total = parts.first else { return nil }
        for part in parts.dropFirst() { total = total.adding(part) }
        return total
    }
}
