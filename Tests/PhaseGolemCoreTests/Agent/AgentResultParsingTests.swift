import Testing
@testable import PhaseGolemCore

/// The result-file contract of docs/compatibility.md#agents: what the original's serde accepts, we accept.
@Suite("Agent result file parsing")
struct AgentResultParsingTests {
    static let path = "./.phase-golem/phase_result_WRK-001_build.json"

    static func parse(_ text: String) throws(AgentError) -> PhaseResult {
        try PhaseResult.parse(bytes: Array(text.utf8), path: path)
    }

    /// The reason part of the error for `text`, or nil when it parses.
    static func reason(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            let prefix = "Failed to parse result JSON from \(path): "
            #expect(error.description.hasPrefix(prefix))
            return String(error.description.dropFirst(prefix.count))
        }
    }

    static let minimal = #"{"item_id": "WRK-001", "phase": "build", "result": "phase_complete", "summary": "Done"}"#

    /// `minimal` with `member` added (a JSON fragment like `"context": null`).
    static func with(_ member: String) -> String {
        String(minimal.dropLast()) + ", " + member + "}"
    }

    @Test func fullExample() throws {
        let text = """
        {
          "item_id": "WRK-001",
          "phase": "triage",
          "result": "blocked",
          "summary": "Needs a decision",
          "context": "Pick a database",
          "updated_assessments": {"size": "large", "complexity": "high", "risk": "medium", "impact": "low"},
          "follow_ups": [
            "Plain title",
            {"title": "Structured", "context": "why", "suggested_size": "small", "suggested_risk": "high"},
            {"title": "Sparse", "context": null, "suggested_size": null}
          ],
          "based_on_commit": "abc123",
          "pipeline_type": "feature",
          "commit_summary": "Add things",
          "duplicates": ["WRK-002", "WRK-003"],
          "description": {"context": "c", "problem": "p", "solution": "s", "impact": "i", "sizing_rationale": "r"}
        }
        """
        let result = try Self.parse(text)
        #expect(result == PhaseResult(
            itemID: "WRK-001", phase: "triage", result: .blocked, summary: "Needs a decision", context: "Pick a database",
            updatedAssessments: Assessments(size: .large, complexity: .high, risk: .medium, impact: .low),
            followUps: [
                .init(title: "Plain title"),
                .init(title: "Structured", context: "why", suggestedSize: .small, suggestedRisk: .high),
                .init(title: "Sparse"),
            ],
            basedOnCommit: "abc123", pipelineType: "feature", commitSummary: "Add things", duplicates: ["WRK-002", "WRK-003"],
            description: StructuredDescription(context: "c", problem: "p", solution: "s", impact: "i", sizingRationale: "r")))
    }

    @Test func minimalFileTakesDefaults() throws {
        let result = try Self.parse(Self.minimal)
        #expect(result == PhaseResult(itemID: "WRK-001", phase: "build", result: .phaseComplete, summary: "Done"))
        #expect(result.followUps.isEmpty && result.duplicates.isEmpty)
        #expect(result.description == nil && result.updatedAssessments == nil)
    }

    @Test(arguments: PhaseResult.Code.allCases)
    func everyResultCode(_ code: PhaseResult.Code) throws {
        let text = #"{"item_id": "X-1", "phase": "p", "result": "\#(code.rawValue)", "summary": "s"}"#
        #expect(try Self.parse(text).result == code)
    }

    @Test func nullOptionalsAreAbsent() throws {
        let text = Self.with(#""context": null, "updated_assessments": null, "based_on_commit": null, "pipeline_type": null, "commit_summary": null, "description": null"#)
        #expect(try Self.parse(text) == Self.parse(Self.minimal))
        let assessments = try Self.parse(Self.with(#""updated_assessments": {"size": null, "risk": "low"}"#)).updatedAssessments
        #expect(assessments == Assessments(risk: .low))
    }

    @Test func descriptionFieldsDefaultToEmpty() throws {
        let result = try Self.parse(Self.with(#""description": {"problem": "p"}"#))
        #expect(result.description == StructuredDescription(problem: "p"))
        #expect(Self.reason(Self.with(#""description": {"problem": null}"#))
            == #"field "description.problem" must be a string, found null"#)
    }

    @Test func unknownKeysAreIgnored() throws {
        let text = Self.with(#""requires_human_review": true, "extra": {"deep": [1, 2]}, "updated_assessments": {"size": "small", "mood": "great"}, "follow_ups": [{"title": "t", "priority": 1}]"#)
        let result = try Self.parse(text)
        #expect(result.updatedAssessments == Assessments(size: .small))
        #expect(result.followUps == [.init(title: "t")])
    }

    @Test func missingRequiredFields() {
        for field in ["item_id", "phase", "result", "summary"] {
            var members = [#""item_id": "WRK-001""#, #""phase": "build""#, #""result": "failed""#, #""summary": "s""#]
            members.removeAll { $0.hasPrefix("\"\(field)\"") }
            #expect(Self.reason("{" + members.joined(separator: ", ") + "}") == "missing required field \"\(field)\"")
        }
        #expect(Self.reason(#"{"item_id": "WRK-001", "phase": "build", "result": "failed", "summary": null}"#)
            == #"field "summary" must be a string, found null"#)
        #expect(Self.reason(#"{"item_id": 7, "phase": "build", "result": "failed", "summary": "s"}"#)
            == #"field "item_id" must be a string, found a number"#)
    }

    @Test func resultCodeMustBeExactLowercase() {
        for spelling in ["Phase_Complete", "PHASE_COMPLETE", "PhaseComplete", "complete", "phase-complete", " phase_complete"] {
            let text = #"{"item_id": "X-1", "phase": "p", "result": "\#(spelling)", "summary": "s"}"#
            #expect(Self.reason(text) == #"field "result" must be one of "phase_complete", "subphase_complete", "failed", "blocked" (exact lowercase), found "\#(spelling)""#)
        }
        #expect(Self.reason(#"{"item_id": "X-1", "phase": "p", "result": null, "summary": "s"}"#)
            == #"field "result" must be one of "phase_complete", "subphase_complete", "failed", "blocked", found null"#)
    }

    @Test func assessmentLevelsMustBeExactLowercase() {
        #expect(Self.reason(Self.with(#""updated_assessments": {"size": "Small"}"#))
            == #"field "updated_assessments.size" must be one of "small", "medium", "large" (exact lowercase), found "Small""#)
        #expect(Self.reason(Self.with(#""updated_assessments": {"risk": "HIGH"}"#))
            == #"field "updated_assessments.risk" must be one of "low", "medium", "high" (exact lowercase), found "HIGH""#)
        #expect(Self.reason(Self.with(#""updated_assessments": {"impact": "huge"}"#)) != nil)
        #expect(Self.reason(Self.with(#""updated_assessments": {"complexity": 2}"#)) != nil)
        #expect(Self.reason(Self.with(#""updated_assessments": "small""#))
            == #"field "updated_assessments" must be an object or null, found a string"#)
    }

    @Test func followUpForms() throws {
        #expect(Self.reason(Self.with(#""follow_ups": null"#)) == #"field "follow_ups" must be an array, found null"#)
        #expect(Self.reason(Self.with(#""follow_ups": "one""#)) == #"field "follow_ups" must be an array, found a string"#)
        #expect(Self.reason(Self.with(#""follow_ups": ["a", null]"#))
            == #"field "follow_ups[1]" must be a string or an object, found null"#)
        #expect(Self.reason(Self.with(#""follow_ups": [{"context": "no title"}]"#))
            == #"missing required field "follow_ups[0].title""#)
        #expect(Self.reason(Self.with(#""follow_ups": [{"title": "t", "suggested_size": "XL"}]"#))
            == #"field "follow_ups[0].suggested_size" must be one of "small", "medium", "large" (exact lowercase), found "XL""#)
        #expect(Self.reason(Self.with(#""follow_ups": [{"title": "t", "suggested_risk": "Low"}]"#)) != nil)
        #expect(try Self.parse(Self.with(#""follow_ups": []"#)).followUps.isEmpty)
    }

    @Test func duplicatesMustBeAnArrayOfStrings() throws {
        #expect(Self.reason(Self.with(#""duplicates": null"#)) == #"field "duplicates" must be an array, found null"#)
        #expect(Self.reason(Self.with(#""duplicates": ["WRK-1", 2]"#)) == #"field "duplicates[1]" must be a string, found a number"#)
        #expect(try Self.parse(Self.with(#""duplicates": ["WRK-1"]"#)).duplicates == ["WRK-1"])
    }

    @Test func optionalStringsRejectOtherTypes() {
        for field in ["context", "based_on_commit", "pipeline_type", "commit_summary"] {
            #expect(Self.reason(Self.with("\"\(field)\": 1")) == "field \"\(field)\" must be a string or null, found a number")
        }
        #expect(Self.reason(Self.with(#""description": "text""#)) == #"field "description" must be an object or null, found a string"#)
    }

    @Test func repeatedKnownKeysAreRejected() {
        #expect(Self.reason(Self.with(#""summary": "again""#)) == #"duplicate field "summary""#)
        #expect(Self.reason(Self.with(#""updated_assessments": {"size": "small", "size": "large"}"#))
            == #"duplicate field "updated_assessments.size""#)
        // Unknown keys may repeat: serde skips them without looking.
        #expect(Self.reason(Self.with(#""x": 1, "x": 2"#)) == nil)
    }

    @Test func invalidJSONSaysWhere() {
        #expect(Self.reason("{\n  \"item_id\": \"WRK-001\",\n  \"phase\": ")?.hasPrefix("invalid JSON at line 3, column 12: ") == true)
        #expect(Self.reason("")?.hasPrefix("invalid JSON at line 1, column 1: ") == true)
        #expect(Self.reason(Self.minimal + " trailing")?.hasPrefix("invalid JSON at line 1, column") == true)
        #expect(Self.reason("[1, 2]") == "expected an object at the top level, found an array")
        #expect(Self.reason("null") == "expected an object at the top level, found null")
    }

    @Test func invalidUTF8IsInvalidJSON() {
        var bytes = Array(#"{"item_id": "WRK-001", "phase": "build", "result": "failed", "summary": ""#.utf8)
        bytes += [0xFF, 0x22, 0x7D]
        #expect(throws: AgentError.self) { try PhaseResult.parse(bytes: bytes, path: "r.json") }
    }

    @Test func hugeBadValuesAreShortenedInMessages() {
        let long = String(repeating: "x", count: 10_000)
        let reason = Self.reason(#"{"item_id": "X-1", "phase": "p", "result": "\#(long)", "summary": "s"}"#)
        #expect((reason?.count ?? .max) < 300)
    }

    @Test func fullErrorText() {
        #expect(throws: AgentError("Failed to parse result JSON from r.json: missing required field \"summary\"")) {
            try PhaseResult.parse(bytes: Array(#"{"item_id": "a", "phase": "b", "result": "failed"}"#.utf8), path: "r.json")
        }
    }
}
