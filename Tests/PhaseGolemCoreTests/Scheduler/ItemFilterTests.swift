import Testing
@testable import PhaseGolemCore

/// The `--only` filter language: parsing, validation, display and matching (docs/compatibility.md#command-line).
@Suite("Item filter")
struct ItemFilterTests {
    typealias Fx = SchedulerFixture
    typealias Criterion = ItemFilter.Criterion

    static let supported = "Supported: status, impact, size, risk, complexity, tag, pipeline_type"

    static func parseError(_ raw: [String]) -> String? {
        do throws(ItemFilter.ParseError) {
            _ = try ItemFilter.parse(raw)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: Parsing

    @Test("Accepted values, normalized", arguments: [
        ("status=ready", Criterion(field: .status, values: [.status(.ready)])),
        ("status=IN_PROGRESS", Criterion(field: .status, values: [.status(.inProgress)])),
        ("status=new,Scoping,DONE,blocked", Criterion(field: .status, values: [.status(.new), .status(.scoping), .status(.done), .status(.blocked)])),
        ("impact=high", Criterion(field: .impact, values: [.level(.high)])),
        ("impact=HIGH", Criterion(field: .impact, values: [.level(.high)])),
        ("IMPACT=high", Criterion(field: .impact, values: [.level(.high)])),
        ("impact=l,M,h", Criterion(field: .impact, values: [.level(.low), .level(.medium), .level(.high)])),
        ("risk=low", Criterion(field: .risk, values: [.level(.low)])),
        ("complexity=medium", Criterion(field: .complexity, values: [.level(.medium)])),
        ("size=small", Criterion(field: .size, values: [.size(.small)])),
        ("SIZE=LARGE", Criterion(field: .size, values: [.size(.large)])),
        ("size=s,M,l", Criterion(field: .size, values: [.size(.small), .size(.medium), .size(.large)])),
        ("tag=v1", Criterion(field: .tag, values: [.text("v1")])),
        ("tag=V1", Criterion(field: .tag, values: [.text("V1")])),
        ("tag=a,A", Criterion(field: .tag, values: [.text("a"), .text("A")])),
        ("tag=key=value", Criterion(field: .tag, values: [.text("key=value")])),
        ("tag=key=val1,key=val2", Criterion(field: .tag, values: [.text("key=val1"), .text("key=val2")])),
        ("tag= spaced tag ,x", Criterion(field: .tag, values: [.text("spaced tag"), .text("x")])),
        ("pipeline_type=feature", Criterion(field: .pipelineType, values: [.text("feature")])),
        ("Pipeline_Type=Feature,bugfix", Criterion(field: .pipelineType, values: [.text("Feature"), .text("bugfix")])),
        ("  impact  =  high ,\tmedium  ", Criterion(field: .impact, values: [.level(.high), .level(.medium)])),
    ])
    func accepted(raw: String, expected: Criterion) throws {
        #expect(try Criterion.parse(raw) == expected)
    }

    @Test("Rejected values, with the original's exact messages", arguments: [
        ("impact-high", "Filter must be in format KEY=VALUE, got: impact-high"),
        ("", "Filter must be in format KEY=VALUE, got: "),
        ("   ", "Filter must be in format KEY=VALUE, got:    "),
        ("impact=", "Filter must be in format KEY=VALUE, got: impact="),
        ("impact=  ", "Filter must be in format KEY=VALUE, got: impact=  "),
        ("=high", "Filter must be in format KEY=VALUE, got: =high"),
        (" = ", "Filter must be in format KEY=VALUE, got:  = "),
        ("foo=bar", "Unknown filter field: foo. \(supported)"),
        ("FOO=bar", "Unknown filter field: FOO. \(supported)"),
        ("key=val=ue", "Unknown filter field: key. \(supported)"),
        ("pipeline-type=x", "Unknown filter field: pipeline-type. \(supported)"),
        ("status=archived", "Invalid value 'archived' for field 'status'. Valid values: new, scoping, ready, in_progress, done, blocked"),
        ("Status=InProgress", "Invalid value 'InProgress' for field 'status'. Valid values: new, scoping, ready, in_progress, done, blocked"),
        ("impact=extreme", "Invalid value 'extreme' for field 'impact'. Valid values: low, medium, high"),
        ("risk=s", "Invalid value 's' for field 'risk'. Valid values: low, medium, high"),
        ("COMPLEXITY=Huge", "Invalid value 'Huge' for field 'complexity'. Valid values: low, medium, high"),
        ("size=gigantic", "Invalid value 'gigantic' for field 'size'. Valid values: small, medium, large"),
        ("size=h", "Invalid value 'h' for field 'size'. Valid values: small, medium, large"),
        ("size=small,huge", "Invalid value 'huge' for field 'size'. Valid values: small, medium, large"),
        ("impact=high,huge,medium,worse", "Invalid value 'huge' for field 'impact'. Valid values: low, medium, high"),
        ("impact=high,,low", "Empty value in comma-separated list for field 'impact'. Each value must be non-empty."),
        ("impact=,high", "Empty value in comma-separated list for field 'impact'. Each value must be non-empty."),
        ("impact=high,", "Empty value in comma-separated list for field 'impact'. Each value must be non-empty."),
        ("IMPACT=,", "Empty value in comma-separated list for field 'impact'. Each value must be non-empty."),
        ("tag=a, ,b", "Empty value in comma-separated list for field 'tag'. Each value must be non-empty."),
        ("impact=high,high", "Duplicate value 'high' in comma-separated list for field 'impact'"),
        ("impact=high,HIGH", "Duplicate value 'HIGH' in comma-separated list for field 'impact'"),
        ("impact=h,low,high", "Duplicate value 'high' in comma-separated list for field 'impact'"),
        ("status=ready,READY", "Duplicate value 'READY' in comma-separated list for field 'status'"),
        ("size=m,medium", "Duplicate value 'medium' in comma-separated list for field 'size'"),
        ("tag=a,a", "Duplicate value 'a' in comma-separated list for field 'tag'"),
        ("pipeline_type=x, x", "Duplicate value 'x' in comma-separated list for field 'pipeline_type'"),
        // Every token is parsed before duplicates are looked for, so these report the later problem.
        ("impact=high,high,,", "Empty value in comma-separated list for field 'impact'. Each value must be non-empty."),
        ("impact=high,high,bad", "Invalid value 'bad' for field 'impact'. Valid values: low, medium, high"),
    ])
    func rejected(raw: String, message: String) {
        #expect(Self.parseError([raw]) == message)
    }

    @Test("Several flags: distinct fields and distinct tag criteria are fine", arguments: [
        ["impact=high", "size=small"],
        ["tag=backend", "tag=sprint-1"],
        ["impact=high", "tag=x", "size=small"],
        ["tag=a,b", "tag=b,a"],
        ["status=ready", "impact=high", "size=small", "risk=low", "complexity=low", "pipeline_type=feature", "tag=a"],
    ])
    func flagsAccepted(raw: [String]) throws {
        #expect(try ItemFilter.parse(raw).criteria.count == raw.count)
    }

    @Test("Several flags: a repeated field or identical tag criteria are rejected", arguments: [
        (["impact=high", "impact=low"], "impact"),
        (["impact=high", "impact=high"], "impact"),
        (["IMPACT=high", "impact=low"], "impact"),
        (["impact=high,medium", "impact=low"], "impact"),
        (["impact=high", "tag=x", "impact=low"], "impact"),
        (["pipeline_type=a", "pipeline_type=b"], "pipeline_type"),
        (["status=new", "size=s", "status=done"], "status"),
    ])
    func repeatedField(raw: [String], field: String) {
        #expect(Self.parseError(raw) == "Field '\(field)' specified multiple times in separate --only flags. "
            + "Combine values in a single flag: --only \(field)=value1,value2")
    }

    @Test("Identical tag criteria name the criterion", arguments: [
        (["tag=backend", "tag=backend"], "tag=backend"),
        (["tag=a,b", "x=y"], nil),
        (["tag=a,b", "tag=a,b"], "tag=a,b"),
        (["TAG=a ,b", "tag= a,b"], "tag=a,b"),
    ])
    func duplicateTagCriterion(raw: [String], criterion: String?) {
        let message = Self.parseError(raw)
        if let criterion {
            #expect(message == "Duplicate filter: \(criterion) specified multiple times")
        } else {
            #expect(message?.hasPrefix("Unknown filter field: x.") == true)
        }
    }

    @Test("Every flag is parsed before the flags are compared, first error wins")
    func errorOrdering() {
        #expect(Self.parseError(["impact=high", "impact=low", "bogus"]) == "Filter must be in format KEY=VALUE, got: bogus")
        #expect(Self.parseError(["size=x", "impact=huge"])?.contains("'x'") == true)
        #expect(Self.parseError(["tag=a", "tag=a", "impact=high", "impact=low"]) == "Duplicate filter: tag=a specified multiple times")
    }

    @Test("No flags give an empty filter that matches everything")
    func emptyFilter() throws {
        let filter = try ItemFilter.parse([])
        #expect(filter.isEmpty)
        #expect(filter.display == "")
        let items = [Fx.item("WRK-001"), Fx.item("WRK-002", .done)]
        #expect(filter.apply(to: items) == items)
    }

    // MARK: Display

    @Test("Display uses canonical names, values joined by ',' and criteria by ' AND '", arguments: [
        (["impact=high"], "impact=high"),
        (["tag=v1"], "tag=v1"),
        (["status=IN_PROGRESS"], "status=in_progress"),
        (["IMPACT=H,m"], "impact=high,medium"),
        (["impact=high", "size=small"], "impact=high AND size=small"),
        (["impact=high", "size=s", "status=ready"], "impact=high AND size=small AND status=ready"),
        (["impact=high,medium", "size=small"], "impact=high,medium AND size=small"),
        (["pipeline_type=Feature", "tag=key=v"], "pipeline_type=Feature AND tag=key=v"),
    ])
    func display(raw: [String], expected: String) throws {
        let filter = try ItemFilter.parse(raw)
        #expect(filter.display == expected)
        #expect(filter.description == expected)
    }

    @Test("Display re-parses to an equal criterion", arguments: [
        "status=ready", "status=In_Progress", "impact=H", "size=l,S", "risk=low", "complexity=m,h",
        "tag=Backend", "tag=a,b,key=c", "pipeline_type=blog-post",
    ])
    func displayRoundTrip(raw: String) throws {
        let criterion = try Criterion.parse(raw)
        #expect(try Criterion.parse(criterion.description) == criterion)
    }

    // MARK: Matching

    static let catalog: [StoreItem] = [
        Fx.item("WRK-001", .ready, pipeline: "feature", impact: .high, size: .small, risk: .low, complexity: .low, tags: ["backend", "a", "c"]),
        Fx.item("WRK-002", .inProgress, phase: "prd", pool: .main, impact: .medium, size: .large, risk: .medium, tags: ["b", "c", "sprint-1"]),
        Fx.item("WRK-003", .blocked, pipeline: "Feature", impact: .high, size: .medium, complexity: .high, tags: ["V1"]),
        Fx.item("WRK-004", .new),
        Fx.item("WRK-005", .done, pipeline: "bugfix", impact: .low, size: .small, risk: .high, tags: ["backend", "sprint-1", "a", "b"]),
        Fx.item("WRK-006", .scoping, phase: "research", pool: .pre, impact: .high, size: .small, risk: .medium, tags: ["v1"]),
    ]

    @Test("Matching: OR within a criterion, AND across criteria, absent never matches", arguments: [
        (["status=ready"], ["WRK-001"]),
        (["status=in_progress"], ["WRK-002"]),
        (["status=blocked"], ["WRK-003"]),
        (["status=new,done"], ["WRK-004", "WRK-005"]),
        (["impact=high"], ["WRK-001", "WRK-003", "WRK-006"]),
        (["impact=high,medium"], ["WRK-001", "WRK-002", "WRK-003", "WRK-006"]),
        (["impact=low"], ["WRK-005"]),
        (["size=small"], ["WRK-001", "WRK-005", "WRK-006"]),
        (["size=small,medium"], ["WRK-001", "WRK-003", "WRK-005", "WRK-006"]),
        (["risk=low"], ["WRK-001"]),
        (["risk=low,medium,high"], ["WRK-001", "WRK-002", "WRK-005", "WRK-006"]),
        (["complexity=low,medium,high"], ["WRK-001", "WRK-003"]),
        (["tag=v1"], ["WRK-006"]),
        (["tag=V1"], ["WRK-003"]),
        (["tag=a,b"], ["WRK-001", "WRK-002", "WRK-005"]),
        (["tag=a,b", "tag=c"], ["WRK-001", "WRK-002"]),
        (["tag=backend", "tag=sprint-1"], ["WRK-005"]),
        (["tag=back"], []),
        (["pipeline_type=feature"], ["WRK-001"]),
        (["pipeline_type=Feature"], ["WRK-003"]),
        (["pipeline_type=feature,bugfix"], ["WRK-001", "WRK-005"]),
        (["impact=high", "size=small"], ["WRK-001", "WRK-006"]),
        (["impact=high,medium", "size=small"], ["WRK-001", "WRK-006"]),
        (["impact=high", "risk=low"], ["WRK-001"]),
        (["size=small", "impact=high", "status=scoping"], ["WRK-006"]),
        (["status=ready", "impact=high", "tag=backend"], ["WRK-001"]),
        (["impact=high", "size=small", "tag=nothing"], []),
    ])
    func matching(raw: [String], expected: [String]) throws {
        let filter = try ItemFilter.parse(raw)
        #expect(filter.apply(to: Self.catalog).map(\.id) == expected)
        #expect(Self.catalog.filter(filter.matches).map(\.id) == expected)
    }

    @Test("An item lacking the attribute never matches it", arguments: [
        "impact=low,medium,high", "size=small,medium,large", "risk=low,medium,high",
        "complexity=low,medium,high", "pipeline_type=feature", "tag=a",
    ])
    func absentNeverMatches(raw: String) throws {
        #expect(try !ItemFilter.parse([raw]).matches(Fx.item("WRK-001", .ready)))
    }

    @Test("A value of the wrong kind for its field matches nothing")
    func mismatchedValueKind() {
        let criterion = Criterion(field: .impact, values: [.size(.small), .text("high"), .status(.ready)])
        #expect(!criterion.matches(Fx.item("WRK-001", .ready, impact: .high, size: .small)))
    }

    @Test("Status matches the PG status, including a todo item's x-pg-status")
    func statusUsesPGStatus() throws {
        var item = StoreItem(id: "WRK-001", title: "t", now: fixedNow)
        #expect(try ItemFilter.parse(["status=new"]).matches(item))
        item.setPGStatus(.scoping, now: fixedNow)
        #expect(try ItemFilter.parse(["status=scoping"]).matches(item))
        #expect(try !ItemFilter.parse(["status=new"]).matches(item))
    }
}
