import Foundation
import Testing
@testable import PhaseGolemCore

/// The run journal (docs/journal.md): every event kind written and read back, output by
/// reference to the attempt log, a line cut by a kill, pruning.
@Suite("run journal")
struct RunJournalTests {
    static let summary = RunSummary(phasesExecuted: 3, itemsCompleted: ["WRK-a"], itemsBlocked: ["WRK-b"], blockReasons: ["WRK-b": "needs a human"],
                                    skippedTargets: [.init(id: "WRK-c", reason: "already done")], followUpsCreated: 1, itemsMerged: 0,
                                    haltReason: .targetCompleted, filterDisplay: nil)

    /// One of every event kind; the agent output of `WRK-a` comes with its bytes in the log.
    static func everyEvent() throws -> [SchedulerEvent] {
        let params = RunParams(targets: ["WRK-a", "WRK-b", "WRK-c"], filter: try ItemFilter.parse(["impact=high"]), cap: 7, autoAdvance: true,
                               archivedTargets: ["WRK-c"], maxCostUSD: 12.5)
        return [
            .log(.info, "--- Phase Golem ---"),
            .log(.warn, "a \"quoted\" warning\nover two lines"),
            .runStarted(params),
            .targetStarted(id: "WRK-a", index: 0, total: 3),
            .itemPromoted(id: "WRK-a", phase: "build"),
            .phaseStarted(itemID: "WRK-a", phase: "build", attempt: 1, maxAttempts: 3, isDestructive: true),
            .agentOutput(itemID: "WRK-a", phase: "build", lines: [
                AgentOutputLine(stream: .stdout, text: "hello", logOffset: 0, logBytes: 6),
                AgentOutputLine(stream: .stderr, text: "oops\u{1B}[31m", logOffset: 6, logBytes: 9 + 9 + 1),
                AgentOutputLine(stream: .stdout, text: "", logOffset: 25, logBytes: 1),
            ]),
            .agentOutput(itemID: "WRK-a", phase: "build", lines: [AgentOutputLine(stream: .stdout, text: "ünïcode", logOffset: 26, logBytes: 10)]),
            .agentActivity(itemID: "WRK-a", phase: "build", activities: [AgentActivity(.tool, "Bash: swift test", turn: 2), AgentActivity(.text, "done")]),
            .phaseFinished(itemID: "WRK-a", phase: "build", outcome: .complete, detail: "built it",
                           facts: AgentRunFacts(costUSD: 0.25, inputTokens: 10, outputTokens: 20, turns: 3, model: "opus", isError: false)),
            .capUsage(used: 1, cap: 7),
            .itemCompleted(id: "WRK-a"),
            .targetCompleted(id: "WRK-a", index: 0, total: 3),
            .targetStarted(id: "WRK-b", index: 1, total: 3),
            .phaseStarted(itemID: "WRK-b", phase: "triage", attempt: 1, maxAttempts: 1, isDestructive: false),
            .agentOutput(itemID: "WRK-x", phase: "triage", lines: [AgentOutputLine(stream: .stderr, text: "no log here")]),
            .phaseFinished(itemID: "WRK-b", phase: "triage", outcome: .blocked, detail: "needs a human", facts: nil),
            .breakerChanged(count: 1, threshold: 2),
            .itemBlocked(id: "WRK-b", reason: "needs a human"),
            .targetBlocked(id: "WRK-b", index: 1, total: 3, reason: "needs a human", autoAdvancing: true, next: "WRK-c"),
            .targetBlocked(id: "WRK-b", index: 1, total: 3, reason: nil, autoAdvancing: false, next: nil),
            .targetSkipped(id: "WRK-c", index: 2, total: 3, reason: "already done"),
            .runFailed("git hung"),
            .halted(summary),
        ]
    }

    /// The attempt log `WRK-a_build_1.log` as the collector writes it for the lines above.
    static let buildLog = "hello\n[stderr] oops\u{1B}[31m\n\nünïcode\n"

    static func header(runID: String) -> JournalHeader {
        JournalHeader(runID: runID, pid: getpid(), startedAt: 1_800_000_000_000, projectName: "acme", agentDescription: "Claude CLI (model: default)",
                      params: RunParams(targets: ["WRK-a"]), items: [.init(id: "WRK-a", title: "A \"title\"", status: "ready", phase: nil,
                                                                               phases: ["design", "build"])],
                      defaultPhases: ["build"], breakerThreshold: 2, maxRetries: 2, phaseTimeoutMinutes: 0.5)
    }

    /// Writes `events` through a real journal and returns what a reader gets back.
    static func roundTrip(_ events: [SchedulerEvent], root: String, runID: String) async throws -> (JournalHeader?, [SchedulerEvent], [JournalEnd]) {
        let bus = EventBus()
        let journal = RunJournal(root: root, runID: runID, events: bus.subscribe())
        let logs = AgentLogResolver(root: root, runID: runID)
        try FileManager.default.createDirectory(atPath: logs.logDirectory, withIntermediateDirectories: true)
        try buildLog.write(toFile: logs.logDirectory + "/WRK-a_build_1.log", atomically: true, encoding: .utf8)
        bus.info("before the header")
        journal.open(header(runID: runID), keepRuns: 100)
        for event in events { bus.publish(event) }
        bus.finish()
        #expect(await journal.finish() == nil)
        let reader = JournalReader(path: RunHistory.journalPath(root: root, runID: runID))
        var header: JournalHeader?
        var decoded: [SchedulerEvent] = []
        var ends: [JournalEnd] = []
        for timed in reader.poll() {
            switch timed.record {
            case .header(let value): header = value
            case .event(let event): decoded.append(event)
            case .output(let itemID, let phase, let source): decoded.append(logs.event(itemID: itemID, phase: phase, source: source))
            case .end(let end): ends.append(end)
            }
        }
        #expect(reader.badLines == 0)
        return (header, decoded, ends)
    }

    static func text(_ event: SchedulerEvent) -> String {
        String(decoding: JournalRecord.encode(.event(event), time: 0), as: UTF8.self)
    }

    @Test func everyEventKindComesBackAsItWasPublished() async throws {
        let directory = try TemporaryDirectory("pg-journal")
        let events = try Self.everyEvent()
        let (header, decoded, ends) = try await Self.roundTrip(events, root: directory.path, runID: "20261206T160000Z-1")
        #expect(header == Self.header(runID: "20261206T160000Z-1"))
        #expect(decoded.map(Self.text) == ([SchedulerEvent.log(.info, "before the header")] + events).map(Self.text))
        #expect(ends == [JournalEnd(exitCode: 1, phases: 1, costUSD: 0.25), JournalEnd(exitCode: 0, phases: 3, costUSD: 0.25)])
        let summary = try String(contentsOfFile: directory.path + "/.phase-golem/runs/20261206T160000Z-1/summary.json", encoding: .utf8)
        #expect(summary == Self.summary.json())
    }

    @Test("runs reads costs as the summary sums them: a phase without a cost leaves a lower bound, never a total")
    func runRecordCostLowerBound() async throws {
        let directory = try TemporaryDirectory("pg-journal")
        let events: [SchedulerEvent] = [
            .runStarted(RunParams(targets: ["WRK-a"])),
            .targetStarted(id: "WRK-a", index: 0, total: 1),
            .phaseStarted(itemID: "WRK-a", phase: "design", attempt: 1, maxAttempts: 3, isDestructive: false),
            .phaseFinished(itemID: "WRK-a", phase: "design", outcome: .complete, detail: "ok", facts: AgentRunFacts(costUSD: 0.25, inputTokens: 10)),
            .phaseStarted(itemID: "WRK-a", phase: "build", attempt: 1, maxAttempts: 3, isDestructive: false),
            // Killed before its result line: tokens seen, no cost.
            .phaseFinished(itemID: "WRK-a", phase: "build", outcome: .failed, detail: "timeout", facts: AgentRunFacts(inputTokens: 5)),
            .phaseStarted(itemID: "WRK-a", phase: "build", attempt: 2, maxAttempts: 3, isDestructive: false),
            .phaseFinished(itemID: "WRK-a", phase: "build", outcome: .complete, detail: "ok", facts: AgentRunFacts(costUSD: 0.5, inputTokens: 10)),
            .halted(RunSummary(phasesExecuted: 3, itemsCompleted: ["WRK-a"], haltReason: .targetCompleted)),
        ]
        _ = try await Self.roundTrip(events, root: directory.path, runID: "r-cost")
        let record = try #require(RunRecord.load(root: directory.path, runID: "r-cost"))
        #expect(record.facts?.costUSD == nil)
        #expect(record.facts?.costFloorUSD == 0.75)
        #expect(record.facts?.inputTokens == 25)
        #expect(record.targets.first?.facts?.costFloorUSD == 0.75)
    }

    @Test func agentOutputIsReferencedNotCopied() async throws {
        let directory = try TemporaryDirectory("pg-journal")
        _ = try await Self.roundTrip(try Self.everyEvent(), root: directory.path, runID: "r-1")
        let journal = try String(contentsOfFile: RunHistory.journalPath(root: directory.path, runID: "r-1"), encoding: .utf8)
        #expect(!journal.contains("ünïcode"))
        #expect(journal.contains(#""from":0,"item":"WRK-a","k":"output","lines":3,"log":"WRK-a_build_1.log","phase":"build","stderr":[1],"#))
        #expect(journal.contains(#""from":26,"item":"WRK-a","k":"output","lines":1,"log":"WRK-a_build_1.log""#))
        // Without a log the lines are in the journal.
        #expect(journal.contains(#""k":"output","phase":"triage","stderr":[0],"#))
    }

    @Test func aLineCutShortByAKillIsLeftOutAndTheRestReads() throws {
        let directory = try TemporaryDirectory("pg-journal")
        let path = directory.file("events.jsonl")
        let first = JournalRecord.encode(.event(.log(.info, "one")), time: 5)
        let second = JournalRecord.encode(.event(.itemCompleted(id: "WRK-a")), time: 6)
        try Data(first + second.dropLast(7)).write(to: URL(fileURLWithPath: path))
        let reader = JournalReader(path: path)
        let records = reader.poll()
        #expect(records.count == 1)
        #expect(records.first?.time == 5)
        #expect(reader.trailingBytes == second.count - 7)
        #expect(reader.badLines == 0)
        // The writer finishing the line later makes it readable.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(second.suffix(7)))
        try handle.close()
        #expect(reader.poll().map(\.time) == [6])
    }

    @Test func pruningKeepsTheNewestRunsAndTheirLogs() throws {
        let directory = try TemporaryDirectory("pg-journal")
        let ids = (1...5).map { "2026120\($0)T100000Z-\($0)" }
        for id in ids {
            try FileManager.default.createDirectory(atPath: RunHistory.runDirectory(root: directory.path, runID: id), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory.path + "/.phase-golem/logs/" + id, withIntermediateDirectories: true)
        }
        RunHistory.prune(root: directory.path, keep: 3, keeping: ids[4])
        #expect(RunHistory.runIDs(root: directory.path) == [ids[4], ids[3], ids[2]])
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/.phase-golem/logs/" + ids[1]))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/.phase-golem/logs/" + ids[2]))
    }

    @Test func keepRunsFromTheEnvironmentIsCheckedAndWins() throws {
        #expect(try RunHistory.keepRuns(configured: 100, environment: [:]) == 100)
        #expect(try RunHistory.keepRuns(configured: 100, environment: ["PHASE_GOLEM_KEEP_RUNS": "7"]) == 7)
        #expect(throws: OperationError.self) { try RunHistory.keepRuns(configured: 100, environment: ["PHASE_GOLEM_KEEP_RUNS": "0"]) }
    }

    @Test func aNonTruncatedLineAndAnOverlongOneReadBackAsTheCollectorCutThem() {
        #expect(AgentOutputCollector.callbackText(head: Array("abc\r".utf8), totalBytes: 4) == "abc")
        #expect(AgentOutputCollector.callbackText(head: Array("abcdef".utf8), totalBytes: 100, maxLineBytes: 3)
            == "abc … [line truncated: 100 bytes, in full in the log file]")
    }
}

@Suite("run journal: attempt log references")
struct JournalLogReferenceTests {
    /// The collector's offsets point at the lines in the log it writes, so a reader rebuilds
    /// the same lines; an overlong line (written in pieces) is not referenced.
    @Test func collectorOffsetsPointAtTheLinesInItsLog() throws {
        let directory = try TemporaryDirectory("pg-journal")
        let path = directory.file(".phase-golem/logs/x/a.log")
        let delivered = Locked<[AgentOutputLine]>([])
        let collector = AgentOutputCollector(log: try BufferedFileWriter.create(path: path),
                                             limits: .init(maxLineBytes: 8)) { event in
            if case .output(let lines) = event { delivered.withLock { $0 += lines } }
        }
        for (text, stream) in [("one\r\ntwo\n", AgentOutputLine.Stream.stdout), ("err ü\n", .stderr), ("three\n", .stdout),
                               ("far too long a line\n", .stdout), ("", .stdout)] {
            Array(text.utf8).withUnsafeBytes { collector.consume($0, from: stream) }
        }
        #expect(collector.finish() == nil)
        let lines = delivered.value
        #expect(lines.map(\.text) == ["one", "two", "err ü", "three", "far too  … [line truncated: 19 bytes, in full in the log file]"])
        #expect(lines.last?.logOffset == nil)
        let whole = Array(lines.prefix(4))
        let from = try #require(whole.first?.logOffset)
        let to = try #require(whole.last.flatMap { line in line.logOffset.flatMap { offset in line.logBytes.map { offset + $0 } } })
        var encoder = JournalEncoder()
        _ = encoder.chunks(for: .phaseStarted(itemID: "I", phase: "p", attempt: 1, maxAttempts: 1, isDestructive: false), time: 0)
        let line = encoder.chunks(for: .agentOutput(itemID: "I", phase: "p", lines: whole), time: 0)
        guard case .line(let bytes)? = line.first, case .output(_, _, let source) = try JournalRecord.decode(bytes.dropLast()).record,
              case .log(_, let f, let t, let count, let stderr) = source else {
            Issue.record("not a reference")
            return
        }
        #expect((f, t, count, stderr) == (from, to, 4, [2]))
        let resolver = AgentLogResolver(root: directory.path, runID: "x")
        let event = resolver.event(itemID: "I", phase: "p", source: .log(file: "a.log", from: f, to: t, count: 4, stderrLines: [2]))
        guard case .agentOutput(_, _, let rebuilt) = event else { return }
        #expect(rebuilt == whole)
    }
}
