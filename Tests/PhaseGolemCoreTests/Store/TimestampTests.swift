import Testing
@testable import PhaseGolemCore

/// Nanosecond timestamps (docs/store-format.md#timestamps): relaxed RFC 3339 in, chrono's AutoSi out.
@Suite("Timestamp")
struct TimestampTests {
    /// 2026-02-27T19:38:59Z, computed independently: 20511 days after 1970-01-01, plus 19:38:59.
    static let base: Int64 = 20_511 * 86_400 + 19 * 3600 + 38 * 60 + 59

    @Test("Parses Z with a 9-digit fraction and keeps the source text")
    func parsesZ() throws {
        let stamp = try #require(Timestamp.parse("2026-02-27T19:38:59.926330176Z"))
        #expect(stamp.seconds == Self.base)
        #expect(stamp.nanoseconds == 926_330_176)
        #expect(stamp.text == "2026-02-27T19:38:59.926330176Z")
        #expect(stamp.description == stamp.text)
    }

    @Test("Parses 0 to 9 fraction digits", arguments: [
        ("", 0), (".5", 500_000_000), (".12", 120_000_000), (".123", 123_000_000), (".1234", 123_400_000),
        (".12345", 123_450_000), (".123456", 123_456_000), (".1234567", 123_456_700),
        (".12345678", 123_456_780), (".123456789", 123_456_789), (".000000001", 1),
    ] as [(String, Int32)])
    func fractionDigits(fraction: String, nanoseconds: Int32) throws {
        let text = "2026-02-27T19:38:59\(fraction)Z"
        let stamp = try #require(Timestamp.parse(text))
        #expect(stamp.seconds == Self.base)
        #expect(stamp.nanoseconds == nanoseconds)
        #expect(stamp.text == text)
    }

    @Test("Offsets are converted to UTC; the text is kept as written")
    func offsets() throws {
        let plus = try #require(Timestamp.parse("2026-02-27T21:38:59+02:00"))
        #expect(plus.seconds == Self.base)
        #expect(plus.text == "2026-02-27T21:38:59+02:00")
        let minus = try #require(Timestamp.parse("2026-02-27T14:08:59.5-05:30"))
        #expect(minus.seconds == Self.base)
        #expect(minus.nanoseconds == 500_000_000)
        let crossesDay = try #require(Timestamp.parse("2026-02-28T01:38:59+06:00"))
        #expect(crossesDay.seconds == Self.base)
        #expect(plus == Timestamp(seconds: Self.base, nanoseconds: 0))
    }

    @Test("A space or lowercase t may separate date and time; z may be lowercase")
    func separators() throws {
        #expect(Timestamp.parse("2026-02-27 19:38:59Z")?.seconds == Self.base)
        #expect(Timestamp.parse("2026-02-27t19:38:59z")?.seconds == Self.base)
    }

    @Test("Invalid timestamps are rejected", arguments: [
        "2026-02-30T00:00:00Z",      // Feb 30
        "2025-02-29T00:00:00Z",      // not a leap year
        "2026-13-01T00:00:00Z",      // month 13
        "2026-00-10T00:00:00Z",      // month 0
        "2026-04-31T00:00:00Z",      // April has 30 days
        "2026-01-00T00:00:00Z",      // day 0
        "2026-01-01T24:00:00Z",      // hour 24
        "2026-01-01T00:60:00Z",      // minute 60
        "2026-01-01T00:00:00",       // missing zone
        "2026-01-01T00:00:00.Z",     // empty fraction
        "2026-01-01T00:00:00+0200",  // offset without colon
        "2026-01-01T00:00:00+02",    // short offset
        "2026-01-01",                // date only
        "2026-01-01X00:00:00Z",      // bad separator
        "26-01-01T00:00:00Z",        // short year
        "2026-1-01T00:00:00Z",       // short month
        "2026-01-01T00:00:00Zjunk",  // trailing text
        " 2026-01-01T00:00:00Z",     // leading space
        "",
    ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text) == nil, "\(text) must not parse")
    }

    @Test("Feb 29 of a leap year is valid")
    func leapDay() {
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("1900-02-29T00:00:00Z") == nil)
    }

    @Test("Formats with Z and AutoSi fractions (0, 3, 6 or 9 digits)", arguments: [
        (0, "2026-02-27T19:38:59Z"),
        (500_000_000, "2026-02-27T19:38:59.500Z"),
        (1_000_000, "2026-02-27T19:38:59.001Z"),
        (123_456_000, "2026-02-27T19:38:59.123456Z"),
        (1_000, "2026-02-27T19:38:59.000001Z"),
        (123_456_789, "2026-02-27T19:38:59.123456789Z"),
        (1, "2026-02-27T19:38:59.000000001Z"),
        (962_316_445, "2026-02-27T19:38:59.962316445Z"),
    ] as [(Int32, String)])
    func formatsAutoSi(nanoseconds: Int32, expected: String) throws {
        let stamp = Timestamp(seconds: Self.base, nanoseconds: nanoseconds)
        #expect(stamp.text == expected)
        let reparsed = try #require(Timestamp.parse(expected))
        #expect(reparsed == stamp)
    }

    @Test("Comparisons are by value, not by text")
    func comparesByValue() throws {
        let whole = try #require(Timestamp.parse("2026-02-27T19:38:00Z"))
        let half = try #require(Timestamp.parse("2026-02-27T19:38:00.5Z"))
        #expect("2026-02-27T19:38:00Z" > "2026-02-27T19:38:00.5Z") // byte-wise order is the wrong one
        #expect(whole < half)
        #expect(!(half < whole))
        let sameInstant = try #require(Timestamp.parse("2026-02-27T20:38:00.000+01:00"))
        #expect(sameInstant == whole)
        #expect(sameInstant.hashValue == whole.hashValue)
        #expect(sameInstant.text != whole.text)
    }

    @Test("rfc3339WithOffset writes +00:00 with the same fraction rule")
    func withOffset() throws {
        #expect(Timestamp(seconds: Self.base, nanoseconds: 0).rfc3339WithOffset == "2026-02-27T19:38:59+00:00")
        #expect(Timestamp(seconds: Self.base, nanoseconds: 120_000_000).rfc3339WithOffset == "2026-02-27T19:38:59.120+00:00")
        let parsed = try #require(Timestamp.parse("2026-02-27T21:38:59.5+02:00"))
        #expect(parsed.rfc3339WithOffset == "2026-02-27T19:38:59.500+00:00")
    }

    @Test("yearMonth is the UTC year and month")
    func yearMonth() throws {
        #expect(Timestamp(seconds: Self.base, nanoseconds: 0).yearMonth == "2026-02")
        // 00:30 on March 1st at +01:00 is still February in UTC.
        #expect(try #require(Timestamp.parse("2026-03-01T00:30:00+01:00")).yearMonth == "2026-02")
        #expect(Timestamp(seconds: 0, nanoseconds: 0).yearMonth == "1970-01")
        #expect(Timestamp(seconds: -1, nanoseconds: 0).yearMonth == "1969-12")
    }

    @Test("Dates before 1970 parse and format", arguments: [
        ("1969-12-31T23:59:59Z", -1, 0),
        ("1969-12-31T23:59:59.500Z", -1, 500_000_000),
        ("1969-12-31T00:00:00Z", -86_400, 0),
        ("1900-01-01T00:00:00Z", -2_208_988_800, 0),
        ("0001-01-01T00:00:00Z", -62_135_596_800, 0),
    ] as [(String, Int64, Int32)])
    func beforeEpoch(textValue: String, seconds: Int64, nanoseconds: Int32) throws {
        let parsed = try #require(Timestamp.parse(textValue))
        #expect(parsed.seconds == seconds)
        #expect(parsed.nanoseconds == nanoseconds)
        #expect(Timestamp(seconds: seconds, nanoseconds: nanoseconds).text == textValue)
    }

    @Test("Far dates and the epoch format correctly")
    func epochAndLater() {
        #expect(Timestamp(seconds: 0, nanoseconds: 0).text == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 951_782_400, nanoseconds: 0).text == "2000-02-29T00:00:00Z")
        #expect(Timestamp(seconds: 253_402_300_799, nanoseconds: 999_999_999).text == "9999-12-31T23:59:59.999999999Z")
    }
}
