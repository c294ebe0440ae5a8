import Foundation
import Testing
@testable import PhaseGolemCore

/// Line splitting, log format and batching of captured agent output.
@Suite("Agent output collector")
struct AgentOutputCollectorTests {
    /// A collector writing its log to a temporary file.
    final class Setup {
        let directory: String
        let recorder = EventRecorder()
        let collector: AgentOutputCollector

        init(limits: AgentOutputCollector.Limits = .init()) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-out-\(UUID().uuidString)").path
            let log = try BufferedFileWriter.create(path: directory + "/nested/agent.log")
            collector = AgentOutputCollector(log: log, limits: limits, onEvent: recorder.callback)
        }

        func feed(_ bytes: [UInt8], _ stream: AgentOutputLine.Stream) {
            bytes.withUnsafeBytes { collector.consume($0, from: stream) }
        }

        func feed(_ text: String, _ stream: AgentOutputLine.Stream = .stdout) {
            feed(Array(text.utf8), stream)
        }

        func file(_ name: String) throws -> [UInt8] {
            Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func linesSplitAcrossChunksAndStreams() throws {
        let setup = try Setup()
        setup.feed("one\ntw")
        setup.feed("err", .stderr)
        setup.feed("o\r\nthree")
        setup.feed("or\n", .stderr)
        #expect(setup.collector.finish() == nil)
        #expect(setup.recorder.lines == [
            AgentOutputLine(stream: .stdout, text: "one"),
            AgentOutputLine(stream: .stdout, text: "two"),
            AgentOutputLine(stream: .stderr, text: "error"),
            AgentOutputLine(stream: .stdout, text: "three"),
        ])
        // Whole lines in the log, never interleaved mid-line; the unterminated last line gets a newline.
        #expect(String(decoding: try setup.file("nested/agent.log"), as: UTF8.self) == "one\ntwo\r\n[stderr] error\nthree\n")
    }

    @Test func emptyLinesAreLines() throws {
        let setup = try Setup()
        setup.feed("\n\nx\n")
        _ = setup.collector.finish()
        #expect(setup.recorder.lines.map(\.text) == ["", "", "x"])
    }

    @Test func batchesByCount() throws {
        let setup = try Setup(limits: .init(batchInterval: .seconds(60), batchLines: 3))
        setup.feed((1...7).map { "\($0)\n" }.joined())
        #expect(setup.recorder.batches.map(\.count) == [3, 3])
        _ = setup.collector.finish()
        #expect(setup.recorder.batches.map(\.count) == [3, 3, 1])
    }

    @Test func batchesByAge() async throws {
        // Long enough that a loaded machine does not pass it between the feed and the first check.
        let setup = try Setup(limits: .init(batchInterval: .milliseconds(500)))
        setup.feed("a\n")
        setup.collector.flushIfDue()
        #expect(setup.recorder.batches.isEmpty)
        #expect(setup.collector.flushDeadline != nil)
        try await Task.sleep(for: .milliseconds(550))
        setup.collector.flushIfDue()
        #expect(setup.recorder.batches.map(\.count) == [1])
        #expect(setup.collector.flushDeadline == nil)
    }

    @Test func overlongLineKeepsHeadAndStreamsRest() throws {
        let setup = try Setup(limits: .init(maxLineBytes: 8))
        setup.feed("short\n0123")
        setup.feed("456789ab")
        setup.feed("cdef\nnext\n")
        _ = setup.collector.finish()
        #expect(setup.recorder.lines.map(\.text) == [
            "short", "01234567 … [line truncated: 16 bytes, in full in the log file]", "next",
        ])
        #expect(String(decoding: try setup.file("nested/agent.log"), as: UTF8.self) == "short\n0123456789abcdef\nnext\n")
    }

    @Test func truncationDoesNotSplitACharacter() throws {
        let setup = try Setup(limits: .init(maxLineBytes: 5))
        setup.feed("abcd\u{00E9}fgh\n", .stderr)
        _ = setup.collector.finish()
        #expect(setup.recorder.lines.first?.text.hasPrefix("abcd …") == true)
        #expect(try setup.file("nested/agent.log") == Array("[stderr] abcd\u{00E9}fgh\n".utf8))
    }

    @Test func invalidUTF8IsReplacedForTheCallbackOnly() throws {
        let setup = try Setup()
        setup.feed([0x61, 0xFF, 0x62, 0xC3, 0x0A], .stdout)
        _ = setup.collector.finish()
        #expect(setup.recorder.lines.first?.text == "a\u{FFFD}b\u{FFFD}")
        #expect(try setup.file("nested/agent.log") == [0x61, 0xFF, 0x62, 0xC3, 0x0A])
    }

    @Test func incompleteUTF8Trimming() {
        #expect(AgentOutputCollector.trimmingIncompleteUTF8(Array("ab\u{00E9}".utf8)).count == 4)
        #expect(AgentOutputCollector.trimmingIncompleteUTF8([0x61, 0xC3]) == [0x61])
        #expect(AgentOutputCollector.trimmingIncompleteUTF8([0x61, 0xF0, 0x9F, 0x98]) == [0x61])
        #expect(AgentOutputCollector.trimmingIncompleteUTF8([0x61, 0xF0, 0x9F, 0x98, 0x80]).count == 5)
        #expect(AgentOutputCollector.trimmingIncompleteUTF8([]).isEmpty)
    }
}
