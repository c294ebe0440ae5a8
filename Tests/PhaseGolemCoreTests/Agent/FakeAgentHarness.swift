import Foundation
import Synchronization
import Testing
@testable import PhaseGolemCore

/// Collects the events of one agent run; the runner calls it from its own thread.
///
/// Each event is timestamped when the runner delivers it. Timing assertions use these
/// stamps, not the moment `await` returns: when the whole package's tests run at once, other
/// suites can keep the cooperative pool busy for seconds before the awaiting test resumes.
final class EventRecorder: Sendable {
    private let events = Mutex<[(at: ContinuousClock.Instant, event: AgentEvent)]>([])

    var callback: @Sendable (AgentEvent) -> Void {
        { event in
            let now = ContinuousClock.now
            self.events.withLock { $0.append((now, event)) }
        }
    }

    var all: [AgentEvent] { events.withLock { $0.map(\.event) } }

    /// When the runner delivered the debug message `text`.
    func time(ofDebug text: String) -> ContinuousClock.Instant? {
        events.withLock { $0.first { $0.event == .debug(text) }?.at }
    }

    var batches: [[AgentOutputLine]] {
        all.compactMap { if case .output(let lines) = $0 { lines } else { nil } }
    }

    var lines: [AgentOutputLine] { batches.flatMap { $0 } }

    var warnings: [String] {
        all.compactMap { if case .warning(let text) = $0 { text } else { nil } }
    }

    var debugs: [String] {
        all.compactMap { if case .debug(let text) = $0 { text } else { nil } }
    }

    /// The agent's pid (= process group id), from `[agent] Subprocess spawned (pid=N)`.
    var spawnedPID: pid_t? {
        for line in debugs where line.hasPrefix("[agent] Subprocess spawned (pid=") {
            return pid_t(line.dropFirst("[agent] Subprocess spawned (pid=".count).dropLast())
        }
        return nil
    }
}

/// A throw-away project root and a `CLIAgentRunner` that runs the fake agent in it.
struct FakeAgentHarness {
    static let agentPath = Fixtures.repositoryRoot + "/Tests/Fixtures/fake-agent/claude"
    static let agentDirectory = Fixtures.repositoryRoot + "/Tests/Fixtures/fake-agent"

    let root: String
    let registry = ProcessGroupRegistry()
    let shutdown = ShutdownFlag()
    var killGrace: Duration = .milliseconds(300)

    /// Creates a root with `.phase-golem/` and, if given, a fake-agent script.
    init(script: String? = nil) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("pg-agent-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/.phase-golem", withIntermediateDirectories: true)
        if let script {
            try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        }
    }

    var scriptPath: String { root + "/fake-agent-script.txt" }
    var invocationLog: String { root + "/fake-agent-invocations.log" }

    func resultPath(_ item: String = "WRK-001", _ phase: String = "build") -> String {
        root + "/.phase-golem/phase_result_\(item)_\(phase).json"
    }

    func logPath(_ item: String = "WRK-001", _ phase: String = "build", attempt: Int = 1) -> String {
        root + "/.phase-golem/logs/run-1/\(item)_\(phase)_\(attempt).log"
    }

    func request(_ item: String = "WRK-001", _ phase: String = "build", attempt: Int = 1, timeout: Double = 20) -> AgentRequest {
        AgentRequest(itemID: item, phase: phase, prompt: "Do the \(phase) phase of \(item).", resultPath: resultPath(item, phase),
                     changeFolder: root + "/changes/\(item)_title", root: root, timeoutSeconds: timeout,
                     logPath: logPath(item, phase, attempt: attempt), attempt: attempt)
    }

    func runner(command: [String]? = nil, environment: [String: String] = [:]) -> CLIAgentRunner {
        var extra = ["FAKE_AGENT_SCRIPT": scriptPath, "FAKE_AGENT_LOG": invocationLog]
        extra.merge(environment) { _, new in new }
        return CLIAgentRunner(config: AgentConfig(cli: .command, command: command ?? [Self.agentPath]), registry: registry,
                              shutdown: shutdown, killGrace: killGrace, extraEnvironment: extra)
    }

    /// Runs the fake agent once.
    func run(_ request: AgentRequest? = nil, runner: CLIAgentRunner? = nil) async -> (Result<PhaseResult, AgentError>, EventRecorder) {
        let recorder = EventRecorder()
        let result = await (runner ?? self.runner()).run(request ?? self.request(), onEvent: recorder.callback)
        return (result, recorder)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    static func errorText(_ result: Result<PhaseResult, AgentError>) -> String? {
        if case .failure(let error) = result { return error.description }
        return nil
    }

    /// Whether `pid` no longer runs: no such process, or a zombie waiting for a reaper.
    static func isGoneOrZombie(_ pid: pid_t) -> Bool {
        if kill(pid, 0) != 0 { return errno == ESRCH }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// Members of a process group that are not zombies, by `ps`, independently of the code under test.
    static func liveMembers(ofGroup pgid: pid_t) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/ps")
        process.arguments = ["-eo", "pgid=,pid=,stat=,comm="]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 3 && pid_t(fields[0]) == pgid && !fields[2].hasPrefix("Z")
        }.map(String.init)
    }
}
