import Testing
@testable import PhaseGolemCore
@testable import PhaseGolemTUI

@Suite("UI event queue")
struct EventQueueTests {
    static func output(_ count: Int, tag: String = "x") -> SchedulerEvent {
        .agentOutput(itemID: "WRK-1", phase: "build", lines: (0..<count).map { AgentOutputLine(stream: .stdout, text: "\(tag)\($0)") })
    }

    static func lineCount(_ events: [SchedulerEvent]) -> Int {
        events.reduce(0) { total, event in
            if case .agentOutput(_, _, let lines) = event { return total + lines.count }
            return total
        }
    }

    @Test("a flood is folded a budget at a time, so keys are read in between")
    func budget() {
        var queue = EventQueue()
        for _ in 0..<20 { queue.append(Self.output(500)) }
        let first = queue.take()
        #expect(Self.lineCount(first) <= EventQueue.linesPerIteration)
        #expect(Self.lineCount(first) > 0)
        var total = Self.lineCount(first)
        while true {
            let next = queue.take()
            if next.isEmpty { break }
            total += Self.lineCount(next)
        }
        #expect(total == 10_000)
    }

    @Test("beyond the bound the oldest agent lines are dropped with a notice; scheduler lines stay")
    func bounded() {
        var queue = EventQueue()
        queue.append(.log(.info, "Scheduling: [WRK-1 → build]"))
        for index in 0..<50 { queue.append(Self.output(1000, tag: "batch\(index)-")) }
        let taken = queue.take()
        guard case .log(_, let notice) = taken.first else {
            Issue.record("expected the skipped-lines notice first")
            return
        }
        #expect(notice.contains("30000 agent output lines not shown"))
        #expect(taken.contains { if case .log(_, let text) = $0 { return text.hasPrefix("Scheduling") } else { return false } })
        var remaining = Self.lineCount(taken)
        while true {
            let next = queue.take()
            if next.isEmpty { break }
            remaining += Self.lineCount(next)
        }
        #expect(remaining == EventQueue.maxPendingLines)
    }
}

@Suite("UI event queue order")
struct EventQueueOrderTests {
    @Test("after a drop, what is left comes out in arrival order, scheduler lines in between")
    func dropThenTakeKeepsOrder() {
        var queue = EventQueue()
        var expected: [String] = []
        for index in 0..<30 {
            queue.append(.log(.info, "log\(index)"))
            queue.append(EventQueueTests.output(1000, tag: "batch\(index)-"))
        }
        // 30,000 lines queued: the oldest ten batches went, every scheduler line stayed.
        for index in 0..<30 {
            expected.append("log\(index)")
            if index >= 10 { expected.append("batch\(index)-0") }
        }
        var seen: [String] = []
        var notices = 0
        var first = true
        while true {
            let taken = queue.take()
            if taken.isEmpty { break }
            for event in taken {
                switch event {
                case .log(_, let text) where text.hasPrefix("…"): notices += 1
                case .log(_, let text): seen.append(text)
                case .agentOutput(_, _, let lines): seen.append(lines.first?.text ?? "")
                default: break
                }
            }
            // Appending between takes goes on after what is queued.
            if first { queue.append(.log(.info, "late")) }
            first = false
        }
        expected.append("late")
        #expect(notices == 1)
        #expect(seen == expected)
    }
}
