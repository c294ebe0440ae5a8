import Testing
@testable import PhaseGolemCore

/// `x-pg-description` and its mirror in the native description (docs/compatibility.md#items-and-statuses).
@Suite("Structured description")
struct StructuredDescriptionTests {
    static func item(extra: String = "") throws -> StoreItem {
        try parseItem(itemLine(id: "WRK-a1b2c", extra: extra))
    }

    @Test("Writing stores all five keys in byte order and mirrors context into description")
    func write() throws {
        var item = try Self.item()
        let description = StructuredDescription(context: "ctx \"q\"", problem: "p", solution: "s", impact: "", sizingRationale: "r")
        item.apply(.setDescription(description), now: fixedNow)
        #expect(item.structuredDescription == description)
        #expect(item.description == "ctx \"q\"")
        #expect(item.updatedAt == fixedNow)
        let line = item.canonicalLine(dialect: .v01)
        #expect(line.contains("\"description\":\"ctx \\\"q\\\"\""))
        #expect(line.hasSuffix(
            ",\"x-pg-description\":{\"context\":\"ctx \\\"q\\\"\",\"impact\":\"\",\"problem\":\"p\",\"sizing_rationale\":\"r\",\"solution\":\"s\"}}"))
    }

    @Test("An empty context nulls the native description")
    func emptyContext() throws {
        var item = try Self.item()
        item.description = "old text"
        item.setStructuredDescription(StructuredDescription(problem: "p"), now: fixedNow)
        #expect(item.description == nil)
        #expect(item.structuredDescription?.problem == "p")
    }

    @Test("Clearing removes the key and nulls the native description")
    func clear() throws {
        var item = try Self.item(extra: ",\"x-pg-description\":{\"context\":\"c\",\"impact\":\"\",\"problem\":\"\",\"sizing_rationale\":\"\",\"solution\":\"\"}")
        item.description = "c"
        item.apply(.setDescription(nil), now: fixedNow)
        #expect(item.extensionValue(ExtensionKey.description) == nil)
        #expect(item.description == nil)
        #expect(item.structuredDescription == nil)
        #expect(item.updatedAt == fixedNow)
    }

    @Test("Reading: missing fields are empty; all-empty and non-object values are absent")
    func reading() throws {
        let partial = try Self.item(extra: ",\"x-pg-description\":{\"problem\":\"p\"}")
        #expect(partial.structuredDescription == StructuredDescription(problem: "p"))
        let empty = try Self.item(extra: ",\"x-pg-description\":{\"context\":\"\",\"impact\":\"\",\"problem\":\"\",\"sizing_rationale\":\"\",\"solution\":\"\"}")
        #expect(empty.structuredDescription == nil)
        #expect(try Self.item(extra: ",\"x-pg-description\":{}").structuredDescription == nil)
        let notObject = try Self.item(extra: ",\"x-pg-description\":\"text\"")
        #expect(notObject.structuredDescription == nil)
        #expect(notObject.phaseGolemWarnings()
            == ["Item WRK-a1b2c: invalid x-pg-description value (expected an object), treating as absent"])
    }

    @Test("Writing an all-empty description reads back as absent")
    func writeAllEmpty() throws {
        var item = try Self.item()
        item.setStructuredDescription(StructuredDescription(), now: fixedNow)
        #expect(item.structuredDescription == nil)
        #expect(item.description == nil)
    }
}
