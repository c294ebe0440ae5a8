import Testing
@testable import PhaseGolemCore

/// docs/decisions.md D14: which attempts are the agent's failures, not the item's.
@Suite("agent failure classifier")
struct AgentFailureClassifierTests {
    static func missing(_ code: Int32, _ tail: [String] = [], facts: AgentRunFacts? = nil) -> AgentError {
        var error = AgentError("Agent failed (exit code \(code)): Result file not found: r.json", cause: .noResultFile(.exited(code)),
                               outputTail: tail)
        error.facts = facts
        return error
    }

    @Test("could not be started")
    func couldNotStart() {
        let failure = AgentFailureClassifier.classify(AgentError("Failed to spawn subprocess: No such file or directory", cause: .couldNotStart),
                                                      cli: .claude)
        #expect(failure?.kind == .couldNotStart)
        #expect(failure?.lastWords == "Failed to spawn subprocess: No such file or directory")
    }

    @Test("stream-json facts: is_error with an API error is an agent failure, decided on is_error and the API fields")
    func streamJSONFacts() {
        let facts = AgentRunFacts(isError: true, apiErrorStatus: 529, terminalReason: "api_error", resultText: "API Error: 529 Overloaded")
        let failure = AgentFailureClassifier.classify(Self.missing(1, facts: facts), cli: .claude)
        #expect(failure?.kind == .apiError(status: 529))
        #expect(failure?.lastWords == "API Error: 529 Overloaded")
        let auth = AgentRunFacts(isError: true, apiErrorStatus: 401, terminalReason: "api_error", resultText: "Failed to authenticate. API Error: 401")
        #expect(AgentFailureClassifier.classify(Self.missing(1, facts: auth), cli: .claude)?.kind == .authentication)
        // is_error without an API error (the agent gave up on the task itself) is the item's.
        let own = AgentRunFacts(isError: true, terminalReason: "max_turns", resultText: "Reached max turns")
        #expect(AgentFailureClassifier.classify(Self.missing(1, facts: own), cli: .claude) == nil)
    }

    @Test("a stream-json result line in the output counts the same")
    func streamJSONLine() {
        let line = #"{"type":"result","subtype":"success","is_error":true,"api_error_status":500,"terminal_reason":"api_error","result":"API Error: 500 Internal"}"#
        #expect(AgentFailureClassifier.classify(Self.missing(1, [line]), cli: .claude)?.kind == .apiError(status: 500))
    }

    @Test("text signatures after a non-zero exit: root refusal, authentication, 5xx/429/529")
    func signatures() {
        let refusal = AgentFailureClassifier.classify(
            Self.missing(1, ["--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons"]), cli: .claude)
        #expect(refusal?.kind == .refusal)
        #expect(AgentFailureClassifier.classify(Self.missing(1, ["Failed to authenticate. API Error: 401 invalid x-api-key"]), cli: .claude)?.kind
                == .authentication)
        #expect(AgentFailureClassifier.classify(Self.missing(1, ["API Error: 529 overloaded"]), cli: .claude)?.kind == .apiError(status: 529))
        #expect(AgentFailureClassifier.classify(Self.missing(1, ["API Error: 429 rate limited"]), cli: .claude)?.kind == .apiError(status: 429))
        // A 400 (a prompt too long) is the request's, so the item's.
        #expect(AgentFailureClassifier.classify(Self.missing(1, ["API Error: 400 prompt is too long"]), cli: .claude) == nil)
    }

    @Test("everything else keeps the original's semantics")
    func itemFailures() {
        // A clean exit without a result, even with an error-looking line.
        #expect(AgentFailureClassifier.classify(Self.missing(0, ["API Error: 529 overloaded"]), cli: .claude) == nil)
        // A crash no signature names.
        #expect(AgentFailureClassifier.classify(Self.missing(139, ["Segmentation fault"]), cli: .claude) == nil)
        // Timeouts and unreadable results.
        #expect(AgentFailureClassifier.classify(AgentError("Agent timed out after 60 seconds"), cli: .claude) == nil)
    }

    @Test("the fix fits the agent: claude /login only for claude")
    func fixes() {
        let tail = ["Failed to authenticate. API Error: 401"]
        #expect(AgentFailureClassifier.classify(Self.missing(1, tail), cli: .claude)?.fix
                == "Log in again with `claude /login`, or set a valid ANTHROPIC_API_KEY, then run the same command again")
        #expect(AgentFailureClassifier.classify(Self.missing(1, tail), cli: .opencode)?.fix
                == "Check the agent's credentials (API key or login), then run the same command again")
    }

    @Test("last words: the stream-json error first, else the last non-empty line, escapes removed")
    func lastWords() {
        #expect(AgentFailureClassifier.lastWords(["first", "\u{1B}[31mlast\u{1B}[0m"]) == "last")
        #expect(AgentFailureClassifier.lastWords([]) == nil)
        let facts = AgentRunFacts(isError: true, resultText: "API Error: 529")
        #expect(AgentFailureClassifier.lastWords(["noise"], facts: facts) == "API Error: 529")
    }
}
