import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The tests' scripted fake of the Anthropic Messages API (`Tests/Fixtures/fake-anthropic-api/`),
/// started on 127.0.0.1 for one test and stopped by it, so the real Claude Code CLI can be driven
/// end to end without leaving the machine.
final class FakeAnthropicAPI: @unchecked Sendable {
    /// One answer of the model: text and/or tool calls, with the usage it reports.
    struct Turn: Encodable {
        var text: String?
        var toolUses: [ToolUse] = []
        /// Writes the phase result file: these members plus `item_id` and `phase` from the prompt.
        var writeResult: [String: String]?
        var usage: Usage = Usage()
        /// Seconds the server holds the request before answering.
        var delay: Double?
        var error: ScriptedError?

        enum CodingKeys: String, CodingKey {
            case text, toolUses = "tool_uses", writeResult = "write_result", usage, delay, error
        }

        static func text(_ text: String, usage: Usage = Usage()) -> Turn {
            Turn(text: text, usage: usage)
        }

        static func tool(_ name: String, _ input: [String: String], text: String? = nil, usage: Usage = Usage(), delay: Double? = nil) -> Turn {
            Turn(text: text, toolUses: [ToolUse(name: name, input: input)], usage: usage, delay: delay)
        }

        static func result(_ members: [String: String], usage: Usage = Usage()) -> Turn {
            Turn(writeResult: members, usage: usage)
        }

        /// The API answers `status` `times` times for this turn, then the turn itself.
        static func failing(_ status: Int, type: String, message: String, times: Int = 1, retry: Bool = true, then turn: Turn) -> Turn {
            var failing = turn
            failing.error = ScriptedError(status: status, type: type, message: message, times: times, retry: retry)
            return failing
        }
    }

    struct ToolUse: Encodable {
        var name: String
        var input: [String: String]
    }

    /// Token numbers of one API call, as the Messages API reports them.
    struct Usage: Encodable, Equatable {
        var input = 0
        var output = 0
        var cacheRead = 0
        var cacheWrite = 0

        enum CodingKeys: String, CodingKey {
            case input = "input_tokens", output = "output_tokens"
            case cacheRead = "cache_read_input_tokens", cacheWrite = "cache_creation_input_tokens"
        }
    }

    struct ScriptedError: Encodable {
        var status: Int
        var type: String
        var message: String
        var times: Int
        var retry: Bool
    }

    /// Per conversation (`ITEM/PHASE`, `*/PHASE`, `ITEM/*` or `*`), the turns in order: the
    /// request with N assistant messages gets turn N. `{root}`, `{item_id}`, `{phase}` and
    /// `{result_path}` in text and tool inputs are filled in by the server.
    struct Script: Encodable {
        var root: String
        var conversations: [String: [Turn]]
    }

    /// One request the CLI sent, as the server logged it.
    struct Request {
        var path: String
        var conversation: String?
        var turn: Int?
        var status: Int
        var body: [String: Any]

        /// The request's model.
        var model: String? { body["model"] as? String }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    let directory: String
    private let process: Process
    private let stdin: Pipe

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static var serverScript: String { CLIHarness.fixtures + "/fake-anthropic-api/server.py" }

    /// Starts the server with `script`; files (script, request log) go to `directory`.
    init(script: Script, directory: String) throws {
        self.directory = directory
        let scriptPath = directory + "/fake-api-script.json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(script).write(to: URL(fileURLWithPath: scriptPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.serverScript, scriptPath, directory + "/fake-api-requests.jsonl"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        self.stdin = stdin
        // The first line says where it listens; end of file means it failed to start.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count == 3, words[0] == "listening", let port = Int(words[2].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Self.stop(process, stdin: stdin)
            throw Failure(description: "the fake Anthropic API did not start (python3 \(Self.serverScript)); it printed: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    deinit { stop() }

    /// Stops the server: end of its stdin asks it to exit; SIGKILL after a grace period makes
    /// sure, even when a held turn is sleeping in a request thread.
    func stop() {
        Self.stop(process, stdin: stdin)
    }

    private static func stop(_ process: Process, stdin: Pipe) {
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The requests received so far, in order.
    func requests() throws -> [Request] {
        let path = directory + "/fake-api-requests.jsonl"
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Failure(description: "a request log line is not an object: \(line.prefix(200))")
            }
            return Request(path: entry["path"] as? String ?? "", conversation: entry["conversation"] as? String,
                           turn: entry["turn"] as? Int, status: entry["status"] as? Int ?? 0,
                           body: entry["body"] as? [String: Any] ?? [:])
        }
    }
}
