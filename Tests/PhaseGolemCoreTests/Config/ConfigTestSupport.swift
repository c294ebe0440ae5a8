import Foundation
import Testing
@testable import PhaseGolemCore

/// Shared helpers for the config tests.
enum ConfigTestSupport {
    /// The repository's `Tests/Fixtures` folder, found from this file.
    static let fixturesDirectory: String = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent() // Config
            .deletingLastPathComponent() // PhaseGolemCoreTests
            .deletingLastPathComponent() // Tests
            .appendingPathComponent("Fixtures").path
    }()

    static func fixture(_ name: String) -> String {
        fixturesDirectory + "/" + name
    }

    /// Runs `body` with a fresh empty directory that is removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pg-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The error `ConfigLoader.parse` throws for `toml`, or `nil` if it loads.
    static func parseError(_ toml: String, path: String = "test.toml") -> ConfigError? {
        do {
            _ = try ConfigLoader.parse(toml, path: path)
            return nil
        } catch {
            return error
        }
    }

    /// The listed problems for `toml`; records an issue when it fails differently or loads.
    static func problems(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        switch parseError(toml) {
        case .invalid(let problems)?:
            return problems
        case .schema(_, let problems, let validation)?:
            return problems + validation
        case let other?:
            Issue.record("expected validation problems, got: \(other)", sourceLocation: sourceLocation)
            return []
        case nil:
            Issue.record("expected validation problems, but the config loaded", sourceLocation: sourceLocation)
            return []
        }
    }

    /// The config parsed from `toml`; records an issue and returns `nil` on error.
    static func parse(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> PhaseGolemConfig? {
        do {
            return try ConfigLoader.parse(toml, path: "test.toml")
        } catch {
            Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// A minimal valid pipeline, appended to snippets that test other sections.
    static let minimalPipeline = """

        [pipelines.feature]
        phases = [{ name = "build" }]
        """
}
