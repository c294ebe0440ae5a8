import Testing
@testable import PhaseGolemCore

/// Items, configs and the parsing a fake agent does, shared by the prompt tests.
enum PromptFixtures {
    static let resultPath = "./.phase-golem/phase_result_WRK-001_prd.json"
    static let changeFolder = "./changes/WRK-001_add-login"
    static let featurePhases = ["prd", "tech-research", "design", "spec", "build", "review"]

    /// An InProgress item in the `prd` phase, as the original's prompt tests use.
    static func item(id: String = "WRK-001", title: String = "Add login", phase: String = "prd") -> StoreItem {
        var item = StoreItem(id: id, title: title, now: fixedNow)
        item.setPGStatus(.inProgress, now: fixedNow)
        item.setPhase(phase, now: fixedNow)
        item.setPhasePool(.main, now: fixedNow)
        return item
    }

    /// A config with the built-in pipeline, resolving workflows against `base`.
    static func config(base: String = "") -> LoadedConfig {
        LoadedConfig(config: .defaults, path: nil, baseDirectory: base)
    }

    static func phase(_ name: String = "prd", workflows: [String] = ["wf/prd.md"]) -> PhaseConfig {
        PhaseConfig(name: name, workflows: workflows)
    }

    static func phasePrompt(
        item: StoreItem = item(), phase: PhaseConfig = phase(), config: LoadedConfig = config(),
        previousSummary: String? = nil, previousFailure: String? = nil
    ) -> String {
        PromptBuilder.phasePrompt(item: item, phase: phase, config: config, changeFolder: changeFolder,
                                  resultPath: resultPath, previousSummary: previousSummary,
                                  previousFailure: previousFailure)
    }

    /// The lines of everything after the `## Structured Output` heading line.
    static func structuredOutputLines(_ prompt: String) -> [Substring]? {
        let lines = prompt.split(separator: "\n", omittingEmptySubsequences: false)
        guard let heading = lines.firstIndex(of: "## Structured Output") else { return nil }
        return Array(lines[(heading + 1)...])
    }

    /// The result path exactly as docs/compatibility.md#testing-against-the-original's fake agent finds it: the line after the first
    /// fence that follows `## Structured Output`.
    static func extractResultPath(_ prompt: String) -> String? {
        guard let lines = structuredOutputLines(prompt),
              let fence = lines.firstIndex(where: { $0.hasPrefix("```") }),
              fence + 1 < lines.count else { return nil }
        return String(lines[fence + 1])
    }

    /// The body of the ```` ```json ```` block after `## Structured Output`.
    static func jsonExample(_ prompt: String) -> String? {
        guard let lines = structuredOutputLines(prompt),
              let open = lines.firstIndex(of: "```json"),
              let close = lines[(open + 1)...].firstIndex(of: "```") else { return nil }
        return lines[(open + 1)..<close].joined(separator: "\n")
    }

    /// The parsed JSON example, failing the test when it is missing or not valid JSON.
    static func parsedExample(_ prompt: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let text = try #require(jsonExample(prompt), "no ```json block after ## Structured Output", sourceLocation: sourceLocation)
        return try JSONParser.parse(text)
    }

    /// Where `needle` starts in `haystack`, as a UTF-8 offset (for ordering checks).
    static func offset(of needle: String, in haystack: String) -> Int? {
        let h = Array(haystack.utf8)
        let n = Array(needle.utf8)
        guard !n.isEmpty, n.count <= h.count else { return nil }
        for start in 0...(h.count - n.count) where h[start..<(start + n.count)].elementsEqual(n) {
            return start
        }
        return nil
    }

    /// Records an issue unless every heading occurs, in the order given.
    static func expectOrder(_ needles: [String], in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var previous = -1
        for needle in needles {
            guard let at = offset(of: needle, in: text) else {
                Issue.record("missing \(needle)", sourceLocation: sourceLocation)
                return
            }
            #expect(at > previous, "\(needle) is out of order", sourceLocation: sourceLocation)
            previous = at
        }
    }

    /// Keys of a JSON object, in source order.
    static func keys(_ value: JSONValue?) -> [String] {
        value?.objectMembers?.map(\.key) ?? []
    }
}
