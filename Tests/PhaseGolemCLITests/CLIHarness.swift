import Foundation
import PhaseGolemCore

/// Runs the real `phase-golem` binary, built next to the test bundle, in scratch projects.
enum CLIHarness {
    /// The built executable: it sits beside the test runner in the build products folder.
    static let binary: String = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: runner)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("phase-golem").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return runner
    }()

    /// The repository's `Tests/Fixtures` folder (public data; its README names the sources).
    static var fixtures: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fixtures").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// What every run of the binary sees: this process's environment, `IS_SANDBOX=1`, then `extra`.
    ///
    /// The tests run as root, and a fake agent answering as `claude` would otherwise fail the
    /// preflight's root check (docs/decisions.md D14), which the product never bypasses itself;
    /// `unsetting` removes variables after that (a test of the refusal unsets `IS_SANDBOX`).
    static func environment(_ extra: [String: String] = [:], unsetting: [String] = []) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env[sandboxVariable] = "1"
        env.merge(extra) { _, new in new }
        for key in unsetting { env[key] = nil }
        return env
    }

    static let sandboxVariable = "IS_SANDBOX"

    /// Runs the binary with `arguments` in `directory`.
    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:],
                    unsetting: [String] = []) throws -> Result {
        let env = Self.environment(environment, unsetting: unsetting)
        let output = try ProcessRunner.run(binary, arguments, in: directory, environment: env)
        return Result(status: output.status, stdout: output.stdoutText, stderr: output.stderrText)
    }

    /// A fresh temporary directory, removed by the caller via `remove`.
    static func makeTemporaryDirectory(_ label: String = "pg") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A git repository with an empty store committed and a clean tree.
    static func makeProject(config: String? = nil, storeLines: [String] = []) throws -> String {
        let root = try makeTemporaryDirectory()
        try git(["init", "-q", "-b", "main"], in: root)
        try git(["config", "user.email", "test@example.com"], in: root)
        try git(["config", "user.name", "Test"], in: root)
        try FileManager.default.createDirectory(atPath: root + "/.task-golem", withIntermediateDirectories: true)
        let header = "{\"schema_version\":1}\n"
        try write(header + storeLines.map { $0 + "\n" }.joined(), to: root + "/.task-golem/tasks.jsonl")
        try write(header, to: root + "/.task-golem/archive.jsonl")
        try write("", to: root + "/.task-golem/tasks.lock")
        try write(".phase-golem/\n", to: root + "/.gitignore")
        if let config { try write(config, to: root + "/phase-golem.toml") }
        try git(["add", "-A"], in: root)
        try git(["commit", "-q", "-m", "initial"], in: root)
        return root
    }

    @discardableResult
    static func git(_ arguments: [String], in directory: String) throws -> String {
        let output = try ProcessRunner.run("git", arguments, in: directory)
        guard output.succeeded else {
            throw HarnessError("git \(arguments.joined(separator: " ")) failed: \(output.stderrText)")
        }
        return output.stdoutText
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func copyFixtureStore(_ name: String, to root: String) throws {
        let source = fixtures + "/" + name + "/.task-golem"
        for file in try FileManager.default.contentsOfDirectory(atPath: source) {
            let data = try read(source + "/" + file)
            try data.write(to: URL(fileURLWithPath: root + "/.task-golem/" + file))
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
