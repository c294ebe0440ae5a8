import CSystemShims
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs the configured agent program for one attempt and reads its result file (docs/compatibility.md#agents).
///
/// The agent runs with the project root as working directory (docs/decisions.md D7), in its own process group
/// (registered in `registry` while it runs), with stdin from /dev/null and its stdout and
/// stderr captured line by line: saved in full to `request.logPath`, delivered to the event
/// callback in batches (the plain printer echoes them, without escape sequences). Besides the inherited environment the
/// agent gets `PHASE_GOLEM_ITEM_ID`, `PHASE_GOLEM_PHASE`, `PHASE_GOLEM_RESULT_PATH`,
/// `PHASE_GOLEM_CHANGE_FOLDER`, `PHASE_GOLEM_ROOT` (paths absolute) and `PHASE_GOLEM_ATTEMPT`.
///
/// Cancelling the calling task stops the agent's whole process group (SIGTERM, then SIGKILL
/// after `killGrace`) and returns an error; the blocking work runs on a thread of its own.
public struct CLIAgentRunner: AgentRunner {
    public let config: AgentConfig
    public let registry: ProcessGroupRegistry
    public let shutdown: ShutdownFlag
    /// How long a group gets between SIGTERM and SIGKILL (5 s in the original).
    public var killGrace: Duration
    /// Added to the inherited environment (under the `PHASE_GOLEM_*` variables, which always win).
    public var extraEnvironment: [String: String]
    /// A larger result file is refused rather than read, so a runaway agent cannot exhaust memory.
    public var maxResultFileBytes = 64 * 1024 * 1024

    public init(config: AgentConfig, registry: ProcessGroupRegistry, shutdown: ShutdownFlag,
                killGrace: Duration = .seconds(5), extraEnvironment: [String: String] = [:]) {
        self.config = config
        self.registry = registry
        self.shutdown = shutdown
        self.killGrace = killGrace
        self.extraEnvironment = extraEnvironment
    }

    /// Sends `.facts` once, after the agent's last output and before returning, whatever the
    /// outcome: what the agent's stream reported (nothing for an untranslated agent), with the
    /// run's wall-clock duration when the agent did not report one.
    public func run(_ request: AgentRequest, onEvent: @escaping @Sendable (AgentEvent) -> Void) async -> Result<PhaseResult, AgentError> {
        let cancellation = CancellationFlag()
        let translation = AgentOutputTranslation(translator: AgentCommand(config).makeTranslator(), onEvent: onEvent)
        let started = ContinuousClock.now
        let result = await withTaskCancellationHandler {
            await BlockingThread.run { runBlocking(request, cancellation: cancellation, onEvent: translation.callback) }
        } onCancel: {
            cancellation.set()
        }
        var facts = translation.facts
        if facts.durationMs == nil {
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            facts.durationMs = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        }
        onEvent(.facts(facts))
        return result
    }

    /// The error a cancelled run returns; the executor reports the cancellation itself.
    public static let cancelledMessage = "Agent run cancelled"

    private enum Ending {
        case exited, timedOut, idle, cancelled, shutdown
    }

    private func runBlocking(_ request: AgentRequest, cancellation: CancellationFlag,
                             onEvent: @escaping @Sendable (AgentEvent) -> Void) -> Result<PhaseResult, AgentError> {
        let resultPath = request.resultPath
        if unlink(resultPath) == 0 {
            onEvent(.warning("Warning: Stale result file found at \(resultPath), deleted"))
        } else if errno != ENOENT {
            return .failure(AgentError("Failed to remove stale result file \(resultPath): \(String(cString: strerror(errno)))"))
        }
        if cancellation.isSet { return .failure(AgentError(Self.cancelledMessage)) }

        let collector = AgentOutputCollector(log: openLog(request.logPath, onEvent: onEvent),
                                             onEvent: onEvent)
        onEvent(.debug("[agent] Spawning subprocess..."))
        let process: AgentProcess
        do {
            process = try AgentProcess.spawn(argv: AgentCommand(config).argv(prompt: request.prompt, root: request.root,
                                                                               maxBudgetUSD: request.maxBudgetUSD),
                                             environment: environment(for: request), directory: request.root)
        } catch {
            finish(collector, onEvent: onEvent)
            return .failure(error)
        }
        registry.register(process.pid)
        onEvent(.debug("[agent] Subprocess spawned (pid=\(process.pid))"))
        let seconds = NumberText.decimal(request.timeoutSeconds)
        onEvent(.debug("[agent] Waiting (timeout=\(seconds)s)..."))

        let exitFD = pg_pidfd_open(process.pid)
        defer { if exitFD >= 0 { close(exitFD) } }
        var pipes = AgentOutputPipes(stdoutFD: process.stdoutFD, stderrFD: process.stderrFD, exitFD: exitFD)
        let idleLimit = request.idleTimeoutSeconds.map(Self.duration)
        let ending = supervise(process, &pipes, collector, timeout: Self.duration(request.timeoutSeconds), idleLimit: idleLimit,
                               cancellation: cancellation)
        defer { process.closePipes() }

        switch ending {
        case .timedOut, .idle, .cancelled, .shutdown:
            let (debug, message): (String, String)
            switch ending {
            case .timedOut: (debug, message) = ("[agent] TIMEOUT after \(seconds)s — killing process group", "Agent timed out after \(seconds) seconds")
            case .idle:
                // Ours (docs/decisions.md D14): stopped like a timeout, so it is retried and
                // blocks the item as a timeout would; the message names the setting.
                let idle = NumberText.decimal(request.idleTimeoutSeconds ?? 0)
                (debug, message) = ("[agent] IDLE for \(idle)s — killing process group",
                                    "Agent printed nothing for \(idle) seconds (execution.idle_timeout_minutes)")
            case .shutdown: (debug, message) = ("[agent] Shutdown requested — killing process group", "Shutdown requested")
            default: (debug, message) = ("[agent] Cancelled — killing process group", Self.cancelledMessage)
            }
            onEvent(.debug(debug))
            // Everything that names the group by its id happens before the reap: until then the
            // unreaped leader keeps the id from being handed to another agent.
            ProcessGroupRegistry.killGroup(process.pid, grace: killGrace)
            registry.unregister(process.pid)
            _ = process.reap()
            pipes.drain(into: collector, for: .seconds(1))
            finish(collector, onEvent: onEvent)
            return .failure(AgentError(message))
        case .exited:
            pipes.drain(into: collector, for: .seconds(2))
            let shuttingDown = shutdown.isRequested
            if shuttingDown { ProcessGroupRegistry.killGroup(process.pid, grace: killGrace) }
            registry.unregister(process.pid)
            let status = process.reap()
            // The agent's last output lines first: they came before its exit, as the original's
            // inherited output did.
            finish(collector, onEvent: onEvent)
            onEvent(.debug("[agent] Subprocess exited (status=\(status.plainValue))"))
            if shuttingDown { return .failure(AgentError("Shutdown requested")) }
            return collectResult(at: resultPath, status: status, onEvent: onEvent)
        }
    }

    /// Pumps output until the agent exits, the deadline passes or the run is cancelled.
    private func supervise(_ process: AgentProcess, _ pipes: inout AgentOutputPipes, _ collector: AgentOutputCollector,
                           timeout: Duration, idleLimit: Duration?, cancellation: CancellationFlag) -> Ending {
        let deadline = ContinuousClock.now + timeout
        while true {
            if cancellation.isSet { return .cancelled }
            // A graceful shutdown stops the agent too (SIGTERM, grace, SIGKILL); state is then saved.
            if shutdown.isRequested { return .shutdown }
            if process.hasExited() { return .exited }
            let now = ContinuousClock.now
            if now >= deadline { return .timedOut }
            let idleDeadline = idleLimit.map { pipes.lastOutputAt + $0 }
            if let idleDeadline, now >= idleDeadline { return .idle }
            // Short waits once the pipes are closed: then only the exit is left to notice.
            var wait = min(deadline - now, pipes.anyOpen ? .milliseconds(50) : .milliseconds(5))
            if let idleDeadline { wait = min(wait, idleDeadline - now) }
            if let flushAt = collector.flushDeadline { wait = max(min(wait, flushAt - now), .zero) }
            pipes.pump(into: collector, waitingAtMost: wait)
            collector.flushIfDue()
        }
    }

    private func openLog(_ path: String, onEvent: @Sendable (AgentEvent) -> Void) -> BufferedFileWriter? {
        guard !path.isEmpty else { return nil }
        do {
            return try BufferedFileWriter.create(path: path)
        } catch {
            onEvent(.warning("Warning: Agent output is not saved: \(error.description)"))
            return nil
        }
    }

    private func finish(_ collector: AgentOutputCollector, onEvent: @Sendable (AgentEvent) -> Void) {
        if let failure = collector.finish() {
            onEvent(.warning("Warning: Agent output log is incomplete: \(failure)"))
        }
    }

    private func collectResult(at path: String, status: AgentExitStatus,
                               onEvent: @Sendable (AgentEvent) -> Void) -> Result<PhaseResult, AgentError> {
        let result: PhaseResult
        do {
            result = try Self.readResultFile(at: path, maxBytes: maxResultFileBytes)
        } catch {
            // The bad file stays where it is, for the operator to inspect.
            let missing = error.cause == .noResultFile(.unknown)
            return .failure(AgentError("Agent failed (\(status.description)): \(error.description)",
                                       cause: missing ? .noResultFile(status) : .unspecified))
        }
        if !status.isSuccess {
            onEvent(.warning("Warning: Agent exited with non-zero status but produced valid result"))
        }
        if unlink(path) != 0 {
            onEvent(.warning("Warning: Failed to clean up result file \(path): \(String(cString: strerror(errno)))"))
        }
        return .success(result)
    }

    /// Reads and parses a result file; errors are the reasons of docs/compatibility.md#agents
    /// (`Result file not found: {path}`, `Failed to read result file {path}: {e}`, or the parse error).
    public static func readResultFile(at path: String, maxBytes: Int = 64 * 1024 * 1024) throws(AgentError) -> PhaseResult {
        var info = stat()
        if stat(path, &info) != 0 {
            // The cause's status is the reader's to fill in: this function never saw the agent.
            if errno == ENOENT { throw AgentError("Result file not found: \(path)", cause: .noResultFile(.unknown)) }
            throw AgentError("Failed to read result file \(path): \(String(cString: strerror(errno)))")
        }
        if Int(info.st_size) > maxBytes {
            throw AgentError("Failed to read result file \(path): the file is \(info.st_size) bytes, more than the \(maxBytes)-byte limit")
        }
        let contents: [UInt8]?
        do {
            contents = try FileIO.read(path)
        } catch {
            throw AgentError("Failed to read result file \(path): \(String(cString: strerror(error.errno)))")
        }
        guard let bytes = contents else { throw AgentError("Result file not found: \(path)", cause: .noResultFile(.unknown)) }
        return try PhaseResult.parse(bytes: bytes, path: path)
    }

    /// The inherited environment plus the `PHASE_GOLEM_*` variables, as `KEY=value` strings.
    ///
    /// Paths are made absolute: the agent's working directory is the root, so a path relative
    /// to phase-golem's own directory would point elsewhere for it. `PWD` is set to the root
    /// for tools that trust it over `getcwd`.
    func environment(for request: AgentRequest) -> [String] {
        let root = AgentCommand.absolute(request.root, relativeTo: ".")
        var added = extraEnvironment
        let own: [String: String] = [
            "PHASE_GOLEM_ITEM_ID": request.itemID,
            "PHASE_GOLEM_PHASE": request.phase,
            "PHASE_GOLEM_RESULT_PATH": AgentCommand.absolute(request.resultPath, relativeTo: "."),
            "PHASE_GOLEM_CHANGE_FOLDER": request.changeFolder.isEmpty ? "" : AgentCommand.absolute(request.changeFolder, relativeTo: "."),
            "PHASE_GOLEM_ROOT": root,
            "PHASE_GOLEM_ATTEMPT": String(request.attempt),
            "PWD": root,
        ]
        added.merge(own) { _, ours in ours }
        var result: [String] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let entry = cursor?.pointee {
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
            if added[key] == nil { result.append(text) }
            cursor = cursor?.advanced(by: 1)
        }
        for key in added.keys.sorted() {
            result.append("\(key)=\(added[key] ?? "")")
        }
        return result
    }

    /// The timeout as a `Duration`; nonsense values become "no time at all" or "practically never".
    static func duration(_ seconds: Double) -> Duration {
        guard seconds > 0 else { return .zero }
        return .seconds(min(seconds, 1e9))
    }
}

/// Set when the task awaiting an agent run is cancelled; read by the run's thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() {
        flag.store(true, ordering: .releasing)
    }
}
