import Testing
@testable import PhaseGolemCore

private typealias Support = ConfigTestSupport

/// `[agent] cli = "codex"` with its `sandbox` and `price` keys (docs/codex.md).
@Suite("Codex config")
struct CodexConfigTests {
    @Test func codexWithSandboxAndPriceLoads() throws {
        let config = try #require(Support.parse("""
            [agent]
            cli = "codex"
            model = "gpt-5.5"
            sandbox = "workspace-write"
            price = { input = 1.25, cached_input = 0.125, output = 10 }
            """ + Support.minimalPipeline))
        #expect(config.agent == AgentConfig(cli: .codex, model: "gpt-5.5", sandbox: .workspaceWrite,
                                            price: TokenPrice(input: 1.25, cachedInput: 0.125, output: 10)))
    }

    @Test func defaultsAreFullAccessAndUnknownCost() throws {
        let config = try #require(Support.parse("[agent]\ncli = \"codex\"\n" + Support.minimalPipeline))
        #expect(config.agent.sandbox == CodexSandbox.none)
        #expect(config.agent.price == nil)
        // `sandbox = "none"` says the default out loud.
        let explicit = try #require(Support.parse("[agent]\ncli = \"codex\"\nsandbox = \"none\"\n" + Support.minimalPipeline))
        #expect(explicit.agent.sandbox == CodexSandbox.none)
    }

    @Test func cachedInputDefaultsToTheInputPrice() throws {
        let config = try #require(Support.parse("[agent]\ncli = \"codex\"\nprice = { input = 2, output = 8 }\n" + Support.minimalPipeline))
        #expect(config.agent.price == TokenPrice(input: 2, cachedInput: 2, output: 8))
    }

    @Test(arguments: [
        ("sandbox = \"full\"", "agent.sandbox: invalid value 'full' (expected none or workspace-write)"),
        ("sandbox = \"read-only\"",
         #"agent.sandbox: 'read-only' cannot work: the agent must write its result file under the project root (use "workspace-write" or "none")"#),
        ("price = 3", "agent.price: invalid value 3 (expected a table such as { input = 1.25, cached_input = 0.125, output = 10.0 } (US dollars per million tokens))"),
        ("price = { input = 1 }", "agent.price: missing required key 'output' (expected a table such as { input = 1.25, cached_input = 0.125, output = 10.0 } (US dollars per million tokens))"),
        ("price = { input = -1, output = 1 }", "agent.price.input: invalid value -1 (expected a non-negative number of US dollars per million tokens, such as 1.25)"),
        ("price = { input = 1, output = \"ten\" }", "agent.price.output: invalid value 'ten' (expected a non-negative number of US dollars per million tokens, such as 1.25)"),
        ("price = { input = 1, output = nan }", "agent.price.output: invalid value nan (expected a non-negative number of US dollars per million tokens, such as 1.25)"),
        ("price = { input = 1, output = 2, cached = 0.1 }",
         "agent.price: unknown key 'cached' (allowed keys: input, cached_input, output)"),
    ])
    func badCodexKeys(line: String, problem: String) {
        #expect(Support.problems("[agent]\ncli = \"codex\"\n\(line)\n" + Support.minimalPipeline) == [problem])
    }

    @Test func codexKeysBelongToCodex() {
        #expect(Support.problems("[agent]\ncli = \"claude\"\nsandbox = \"workspace-write\"\n" + Support.minimalPipeline) == [
            #"agent.sandbox: only used when agent.cli = "codex", but cli is 'claude' (remove sandbox, or set cli = "codex")"#,
        ])
        #expect(Support.problems("[agent]\nprice = { input = 1, output = 2 }\n" + Support.minimalPipeline) == [
            #"agent.price: only used when agent.cli = "codex", but cli is 'claude' (Claude Code reports its own cost; remove price)"#,
        ])
        #expect(Support.problems("[agent]\ncli = \"opencode\"\nprice = { input = 1, output = 2 }\n" + Support.minimalPipeline) == [
            #"agent.price: only used when agent.cli = "codex", but cli is 'opencode' (only Codex reports the tokens a price applies to; remove price)"#,
        ])
    }

    @Test func priceTurnsTokensIntoDollars() {
        let price = TokenPrice(input: 1.25, cachedInput: 0.125, output: 10)
        // 6,000 uncached input, 2,000 cached, 1,200 output (reasoning included in output).
        #expect(abs(price.cost(input: 8000, cached: 2000, output: 1200) - (6000 * 1.25 + 2000 * 0.125 + 1200 * 10) / 1e6) < 1e-12)
        #expect(price.cost(input: 0, cached: 0, output: 0) == 0)
        // More cached than input (never reported, but never a negative cost).
        #expect(price.cost(input: 10, cached: 50, output: 0) == 10 * 0.125 / 1e6)
    }
}
