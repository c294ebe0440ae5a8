/// What an agent's tokens cost, in US dollars per million tokens (`[agent] price`).
///
/// Codex reports tokens but no cost; with a price table phase-golem computes the cost itself.
/// `cachedInput` is the price of the input tokens served from the provider's cache (a part of
/// the input tokens, as the Responses API counts them); reasoning tokens are part of the
/// output tokens and are billed as output.
public struct TokenPrice: Sendable, Equatable {
    public var input: Double
    public var cachedInput: Double
    public var output: Double

    public init(input: Double, cachedInput: Double? = nil, output: Double) {
        self.input = input
        self.cachedInput = cachedInput ?? input
        self.output = output
    }

    /// The cost in US dollars of a run that used these tokens (`cached` counted within `input`).
    public func cost(input inputTokens: Int, cached cachedTokens: Int, output outputTokens: Int) -> Double {
        let cached = min(max(cachedTokens, 0), max(inputTokens, 0))
        let uncached = max(inputTokens, 0) - cached
        return (Double(uncached) * input + Double(cached) * cachedInput + Double(max(outputTokens, 0)) * output) / 1_000_000
    }
}
