import Testing
@testable import PhaseGolemCore

/// Six phase-golem states over four native ones (docs/compatibility.md#items-and-statuses).
@Suite("PG status mapping")
struct PGStatusMappingTests {
    static func item(status: String = "todo", extra: String = "") throws -> StoreItem {
        try parseItem(itemLine(id: "WRK-a1b2c", status: status, extra: extra))
    }

    @Test("Reading: todo is refined by x-pg-status; other native states win", arguments: [
        ("todo", nil, PGStatus.new),
        ("todo", "\"new\"", .new),
        ("todo", "\"scoping\"", .scoping),
        ("todo", "\"ready\"", .ready),
        ("todo", "42", .new),
        ("todo", "null", .new),
        ("todo", "\"Scoping\"", .new),
        ("doing", nil, .inProgress),
        ("doing", "\"scoping\"", .inProgress),
        ("done", nil, .done),
        ("done", "\"new\"", .done),
        ("blocked", nil, .blocked),
        ("blocked", "\"ready\"", .blocked),
    ] as [(String, String?, PGStatus)])
    func reading(native: String, extensionJSON: String?, expected: PGStatus) throws {
        let extra = extensionJSON.map { ",\"x-pg-status\":\($0)" } ?? ""
        let item = try Self.item(status: native, extra: extra)
        #expect(item.pgStatus == expected)
    }

    @Test("An invalid x-pg-status string reads as New with a warning")
    func invalidStatusWarns() throws {
        let item = try Self.item(extra: ",\"x-pg-status\":\"running\"")
        #expect(item.pgStatus == .new)
        #expect(item.phaseGolemWarnings() == ["Item WRK-a1b2c: invalid x-pg-status value 'running', defaulting to New"])
    }

    @Test("Valid, absent, non-string and stale x-pg-status values give no warning", arguments: [
        ("todo", ""), ("todo", ",\"x-pg-status\":\"new\""), ("todo", ",\"x-pg-status\":\"ready\""),
        ("todo", ",\"x-pg-status\":7"), ("doing", ",\"x-pg-status\":\"running\""),
        ("done", ",\"x-pg-status\":\"scoping\""),
    ])
    func noWarning(native: String, extra: String) throws {
        #expect(try Self.item(status: native, extra: extra).phaseGolemWarnings().isEmpty)
    }

    @Test("setPGStatus writes the native status, x-pg-status only while todo, and bumps updated_at", arguments: [
        (PGStatus.new, NativeStatus.todo, "new" as String?),
        (.scoping, .todo, "scoping"),
        (.ready, .todo, "ready"),
        (.inProgress, .doing, nil),
        (.done, .done, nil),
        (.blocked, .blocked, nil),
    ])
    func setPGStatus(status: PGStatus, native: NativeStatus, stored: String?) throws {
        var item = try Self.item(extra: ",\"x-pg-status\":\"scoping\"")
        item.setPGStatus(status, now: fixedNow)
        #expect(item.status == native)
        #expect(item.extensionValue(ExtensionKey.status) == stored.map(JSONValue.string))
        #expect(item.pgStatus == status)
        #expect(item.updatedAt == fixedNow)
        #expect(item.updatedAt.text == "2027-01-15T08:00:00.123Z")
        let line = item.canonicalLine(dialect: .v01)
        #expect(line.contains("\"status\":\"\(native.rawValue)\""))
        #expect(line.contains("\"x-pg-status\"") == (stored != nil))
    }

    @Test("Native mapping and names of every state")
    func names() {
        #expect(PGStatus.allCases.map(\.native) == [.todo, .todo, .todo, .doing, .done, .blocked])
        #expect(PGStatus.allCases.map(\.debugName) == ["New", "Scoping", "Ready", "InProgress", "Done", "Blocked"])
        #expect(PGStatus.allCases.map(\.rawValue) == ["new", "scoping", "ready", "in_progress", "done", "blocked"])
        #expect(PGStatus.inProgress.tableName == "inprogress")
    }

    @Test("Other invalid enum extensions read as absent with a warning")
    func otherInvalidEnums() throws {
        let item = try Self.item(extra: ",\"x-pg-phase-pool\":\"side\",\"x-pg-size\":\"huge\",\"x-pg-risk\":3")
        #expect(item.phasePool == nil)
        #expect(item.size == nil)
        #expect(item.risk == nil)
        // Reported in key order, the order the keys are stored in.
        #expect(item.phaseGolemWarnings() == [
            "Item WRK-a1b2c: invalid x-pg-phase-pool value 'side', treating as absent",
            "Item WRK-a1b2c: invalid x-pg-risk value '3', treating as absent",
            "Item WRK-a1b2c: invalid x-pg-size value 'huge', treating as absent",
        ])
    }

    @Test("An invalid x-pg-status is reported before the other fields, in the original's order")
    func statusWarningFirst() throws {
        let item = try Self.item(extra: ",\"x-pg-size\":\"huge\",\"x-pg-status\":\"weird\"")
        #expect(item.phaseGolemWarnings() == [
            "Item WRK-a1b2c: invalid x-pg-status value 'weird', defaulting to New",
            "Item WRK-a1b2c: invalid x-pg-size value 'huge', treating as absent",
        ])
    }
}
