import Testing
@testable import PhaseGolemCore

/// Which duplicate is merged into which (docs/compatibility.md#handling-results, quirk 20).
@Suite("Merge direction")
struct MergeDirectionTests {
    @Test("Decimal suffixes: the higher number is merged into the lower; otherwise the triaged item goes", arguments: [
        (triaged: "WRK-005", duplicate: "WRK-002", source: "WRK-005", target: "WRK-002"),
        (triaged: "WRK-002", duplicate: "WRK-005", source: "WRK-005", target: "WRK-002"),
        (triaged: "WRK-10", duplicate: "WRK-9", source: "WRK-10", target: "WRK-9"),
        (triaged: "WRK-9", duplicate: "APP-10", source: "APP-10", target: "WRK-9"),
        // Equal numbers: the triaged item is merged away.
        (triaged: "WRK-002", duplicate: "APP-2", source: "WRK-002", target: "APP-2"),
        // Hex or base32 on either side: the triaged item is merged away.
        (triaged: "WRK-a1b2c", duplicate: "WRK-001", source: "WRK-a1b2c", target: "WRK-001"),
        (triaged: "WRK-001", duplicate: "WRK-a1b2c", source: "WRK-001", target: "WRK-a1b2c"),
        (triaged: "tg-1rh14", duplicate: "tg-9zz00", source: "tg-1rh14", target: "tg-9zz00"),
        // All-digit hex ids are compared as decimals.
        (triaged: "WRK-00099", duplicate: "WRK-12345", source: "WRK-12345", target: "WRK-00099"),
        (triaged: "WRK-12345", duplicate: "WRK-00099", source: "WRK-12345", target: "WRK-00099"),
        // Beyond UInt32: not a number.
        (triaged: "WRK-1", duplicate: "WRK-4294967296", source: "WRK-1", target: "WRK-4294967296"),
        // No dash: the whole id is the suffix.
        (triaged: "7", duplicate: "WRK-42", source: "WRK-42", target: "7"),
    ])
    func direction(triaged: String, duplicate: String, source: String, target: String) {
        let resolved = MergeDirection.resolve(triaged: triaged, duplicate: duplicate)
        #expect(resolved.source == source)
        #expect(resolved.target == target)
    }

    @Test("Numeric suffix parsing", arguments: [
        ("WRK-001", UInt32?.some(1)), ("a-b-12", .some(12)), ("42", .some(42)), ("WRK-+7", .some(7)),
        ("WRK-4294967295", .some(4_294_967_295)), ("WRK-4294967296", .none), ("WRK-", .none),
        ("WRK-1a", .none), ("WRK-a1", .none), ("WRK- 1", .none), ("WRK-１", .none),
    ])
    func numericSuffix(id: String, expected: UInt32?) {
        #expect(MergeDirection.numericSuffix(id) == expected)
    }
}
