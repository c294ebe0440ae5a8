import Testing
@testable import PhaseGolemCore

/// Assessment dimensions and the human-review flag (docs/compatibility.md#items-and-statuses).
@Suite("Assessments")
struct AssessmentsTests {
    static func item(extra: String = "") throws -> StoreItem {
        try parseItem(itemLine(id: "WRK-a1b2c", extra: extra))
    }

    @Test("updateAssessments sets all four dimensions")
    func all() throws {
        var item = try Self.item()
        item.apply(.updateAssessments(Assessments(size: .large, complexity: .high, risk: .low, impact: .medium)), now: fixedNow)
        #expect(item.assessments == Assessments(size: .large, complexity: .high, risk: .low, impact: .medium))
        #expect(item.updatedAt == fixedNow)
        #expect(item.canonicalLine(dialect: .v01).hasSuffix(
            ",\"x-pg-complexity\":\"high\",\"x-pg-impact\":\"medium\",\"x-pg-risk\":\"low\",\"x-pg-size\":\"large\"}"))
    }

    @Test("updateAssessments overwrites only the dimensions present")
    func partial() throws {
        var item = try Self.item(extra: ",\"x-pg-size\":\"small\",\"x-pg-risk\":\"low\"")
        item.updateAssessments(Assessments(risk: .high), now: fixedNow)
        #expect(item.size == .small)
        #expect(item.risk == .high)
        #expect(item.complexity == nil)
        #expect(item.impact == nil)
        #expect(item.extensionValue(ExtensionKey.complexity) == nil)
        #expect(item.updatedAt == fixedNow)
    }

    @Test("Each dimension left out of an update keeps its stored value", arguments: [
        Assessments(size: .large), Assessments(complexity: .low), Assessments(risk: .high), Assessments(impact: .low),
    ])
    func keepsAbsentDimensions(update: Assessments) throws {
        var item = try Self.item(extra: ",\"x-pg-complexity\":\"medium\",\"x-pg-impact\":\"high\",\"x-pg-risk\":\"medium\",\"x-pg-size\":\"medium\"")
        item.updateAssessments(update, now: fixedNow)
        #expect(item.size == (update.size ?? .medium))
        #expect(item.complexity == (update.complexity ?? .medium))
        #expect(item.risk == (update.risk ?? .medium))
        #expect(item.impact == (update.impact ?? .high))
    }

    @Test("requiresHumanReview is true only for JSON true", arguments: [
        ("true", true), ("false", false), ("\"true\"", false), ("\"yes\"", false), ("1", false), ("null", false),
    ])
    func humanReview(json: String, expected: Bool) throws {
        #expect(try Self.item(extra: ",\"x-pg-requires-human-review\":\(json)").requiresHumanReview == expected)
    }

    @Test("requiresHumanReview defaults to false; the setter writes true or removes the key")
    func humanReviewSetter() throws {
        var item = try Self.item()
        #expect(!item.requiresHumanReview)
        item.setRequiresHumanReview(true, now: fixedNow)
        #expect(item.extensionValue(ExtensionKey.requiresHumanReview) == .bool(true))
        #expect(item.requiresHumanReview)
        item.setRequiresHumanReview(false, now: fixedNow)
        #expect(item.extensionValue(ExtensionKey.requiresHumanReview) == nil)
    }

    @Test("Dimension ordering: small<medium<large, low<medium<high")
    func ordering() {
        #expect(SizeLevel.small < .medium && SizeLevel.medium < .large)
        #expect(DimensionLevel.low < .medium && DimensionLevel.medium < .high)
        #expect(!(DimensionLevel.high < .low))
    }
}
