#if canImport(Glibc)
import Glibc
#endif

/// An instant with nanosecond precision that remembers how it was written.
///
/// Foundation's `Date` is a Double and loses nanoseconds, and `ISO8601DateFormatter` cannot
/// parse task-golem's fractional and whole-second forms with one configuration; the store
/// needs both, and must write back an untouched timestamp exactly as it read it.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the Unix epoch, UTC.
    public let seconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    public let nanoseconds: Int32
    /// The text to write: the source text when parsed, the canonical form when created.
    public let text: String

    /// Creates a timestamp written in canonical form (`Z`, fraction of 0, 3, 6 or 9 digits).
    public init(seconds: Int64, nanoseconds: Int32) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.text = Self.format(seconds: seconds, nanoseconds: nanoseconds, suffix: "Z")
    }

    private init(seconds: Int64, nanoseconds: Int32, text: String) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.text = text
    }

    /// The current time from the real-time clock, in nanoseconds.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanoseconds: Int32(spec.tv_nsec))
    }

    public var description: String { text }

    /// The same instant with a `+00:00` suffix, as phase-golem's worklog writes it.
    public var rfc3339WithOffset: String {
        Self.format(seconds: seconds, nanoseconds: nanoseconds, suffix: "+00:00")
    }

    /// `YYYY-MM` of the instant in UTC.
    public var yearMonth: String {
        let civil = Self.civil(fromDays: Self.floorDiv(seconds, 86_400))
        return Self.pad(civil.year, 4) + "-" + Self.pad(civil.month, 2)
    }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.seconds == rhs.seconds && lhs.nanoseconds == rhs.nanoseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(nanoseconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    // MARK: Parsing

    /// Parses relaxed RFC 3339 as task-golem accepts it: `T` or space, 0–9 fraction digits,
    /// `Z` or a `±hh:mm` offset (converted to UTC).
    public static func parse(_ text: String) -> Timestamp? {
        var copy = text
        return copy.withUTF8 { parse(utf8: $0, text: text) }
    }

    static func parse(utf8 b: UnsafeBufferPointer<UInt8>, text: String) -> Timestamp? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let d = Int(b[i]) - 48
                guard d >= 0, d <= 9 else { return nil }
                value = value * 10 + d
                i += 1
            }
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard i < b.count, b[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), take(45), let month = digits(2), take(45), let day = digits(2) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let hour = digits(2), take(58), let minute = digits(2), take(58), let second = digits(2) else { return nil }
        var nanos = 0
        if take(46) {
            var count = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if count < 9 { nanos = nanos * 10 + Int(b[i] - 48) }
                count += 1
                i += 1
            }
            guard count >= 1 else { return nil }
            for _ in min(count, 9)..<9 { nanos *= 10 }
        }
        var offsetSeconds = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = digits(2), take(58), let om = digits(2), oh < 24, om < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 61 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let total = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Timestamp(seconds: total, nanoseconds: Int32(nanos), text: text)
    }

    // MARK: Formatting

    static func format(seconds: Int64, nanoseconds: Int32, suffix: String) -> String {
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let civil = civil(fromDays: days)
        var out = pad(civil.year, 4) + "-" + pad(civil.month, 2) + "-" + pad(civil.day, 2)
        out += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if nanoseconds != 0 {
            // chrono's AutoSi: the shortest of 3, 6 or 9 digits that loses nothing.
            let n = Int(nanoseconds)
            if n % 1_000_000 == 0 {
                out += "." + pad(n / 1_000_000, 3)
            } else if n % 1000 == 0 {
                out += "." + pad(n / 1000, 6)
            } else {
                out += "." + pad(n, 9)
            }
        }
        return out + suffix
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days64: Int64) -> (year: Int, month: Int, day: Int) {
        let z = Int(days64) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
