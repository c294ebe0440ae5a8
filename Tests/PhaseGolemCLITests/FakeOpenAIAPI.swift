import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The tests' scripted fake of the OpenAI Responses API (`Tests/Fixtures/fake-openai/`), started
/// on 127.0.0.1 for one test and stopped by it, so the real Codex CLI runs end to end without
/// leaving the machine.
final class FakeOpenAIAPI: @unchecked Sendable {
    /// One answer of the model: words, a shell command (`exec_command`), or an HTTP error.
    struct Turn: Encodable {
        var say: String?
        var exec: String?
        var status: Int?
        var error: String?
        var usage: Usage?

        static func say(_ text: String, usage: Usage? = nil) -> Turn { Turn(say: text, usage: usage) }
        static func exec(_ command: String, say: String? = nil, usage: Usage? = nil) -> Turn { Turn(say: say, exec: command, usage: usage) }
        static func failing(_ status: Int, _ message: String) -> Turn { Turn(status: status, error: message) }
    }

    /// Token numbers of one model turn, as the Responses API reports them (cached within input).
    struct Usage: Encodable {
        var input: Int
        var cached: Int
        var output: Int
        var reasoning: Int
    }

    /// The conversation whose prompt holds every string of `match`, its turns in order: the
    /// request carrying N tool outputs gets turn N.
    struct Conversation: Encodable {
        var match: [String]
        var turns: [Turn]
    }

    struct Script: Encodable {
        var conversations: [Conversation]
        var `default`: Turn?
    }

    /// One request the CLI sent.
    struct Request {
        var method: String
        var path: String
        var authorization: String
        var body: [String: Any]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    let directory: String
    private let process: Process
    private let stdin: Pipe

    static var serverScript: String { CLIHarness.fixtures + "/fake-openai/fake_responses_api.py" }
    private var recordPath: String { directory + "/fake-openai-requests.jsonl" }

    /// Starts the server with `script`; its files (script, request log) go to `directory`.
    init(script: Script, directory: String) throws {
        self.directory = directory
        let scriptPath = directory + "/fake-openai-script.json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(script).write(to: URL(fileURLWithPath: scriptPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.serverScript, "--script", scriptPath, "--record", directory + "/fake-openai-requests.jsonl"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        self.stdin = stdin
        // `PORT n` once it accepts connections; end of file means it failed to start.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 2, words[0] == "PORT", let port = Int(words[1]) else {
            Self.stop(process, stdin: stdin)
            throw Failure(description: "the fake OpenAI API did not start (python3 \(Self.serverScript)); it printed: \(String(decoding: line, as: UTF8.self))")
        }
        self.port = port
    }

    deinit { stop() }

    /// Stops the server: end of its stdin makes it exit; SIGKILL after a grace period makes sure.
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
        guard FileManager.default.fileExists(atPath: recordPath) else { return [] }
        let text = try String(contentsOfFile: recordPath, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Failure(description: "a request log line is not an object: \(line.prefix(200))")
            }
            return Request(method: entry["method"] as? String ?? "", path: entry["path"] as? String ?? "",
                           authorization: entry["authorization"] as? String ?? "", body: entry["body"] as? [String: Any] ?? [:])
        }
    }

    /// `$CODEX_HOME/config.toml` that points codex at this server and keeps it on loopback
    /// (docs/codex.md): the provider, no retries, no analytics, metrics or plugin lookups.
    var codexConfig: String {
        """
        model = "gpt-5.5"
        model_provider = "fake"
        approval_policy = "never"
        sandbox_mode = "danger-full-access"
        [model_providers.fake]
        name = "fake"
        base_url = "http://127.0.0.1:\(port)/v1"
        env_key = "FAKE_OPENAI_API_KEY"
        wire_api = "responses"
        request_max_retries = 0
        stream_max_retries = 0
        [analytics]
        enabled = false
        [otel]
        metrics_exporter = "none"
        [features]
        plugins = false

        """
    }
}
