#if canImport(Glibc)
import Glibc
#endif

/// How much the plain log says; a message prints when its level is at or below the configured one.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 0, warn, info, debug

    /// Parses `error`, `warn`, `info` or `debug`, ignoring case.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "error": self = .error
        case "warn": self = .warn
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether a message at `messageLevel` prints at this configured level: errors always do.
    public func shows(_ messageLevel: LogLevel) -> Bool {
        messageLevel == .error || messageLevel <= self
    }
}

/// Plain-text logging to stderr without prefixes or timestamps, as the original prints.
public struct Logger: Sendable {
    public var level: LogLevel
    private let sink: @Sendable (String) -> Void

    /// A logger writing lines through `sink` (tests capture them; the CLI writes to stderr).
    public init(level: LogLevel = .info, sink: @escaping @Sendable (String) -> Void = Logger.standardError) {
        self.level = level
        self.sink = sink
    }

    public func log(_ messageLevel: LogLevel, _ message: @autoclosure () -> String) {
        guard level.shows(messageLevel) else { return }
        sink(message())
    }

    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    public func warn(_ message: @autoclosure () -> String) { log(.warn, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }

    /// Writes a line to file descriptor 2 with one `write`, so concurrent lines do not interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        writeLine(line, to: 2)
    }

    /// Writes `line` plus a newline to a file descriptor.
    public static func writeLine(_ line: String, to fd: Int32) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        try? FileIO.writeAll(fd, bytes, path: fd == 1 ? "standard output" : "standard error")
    }
}
