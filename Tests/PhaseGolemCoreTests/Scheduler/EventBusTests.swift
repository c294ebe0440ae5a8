import Foundation
import Testing
@testable import PhaseGolemCore

/// The bus's promise: every event to every subscriber in order, and agent output held back
/// while a subscriber lags, so a flood cannot pile up in memory.
@Suite("event bus")
struct EventBusTests {
    static func batch(_ count: Int, from start: Int = 0) -> SchedulerEvent {
        .agentOutput(itemID: "WRK-1", phase: "build", lines: (start..<(start + count)).map {
            AgentOutputLine(stream: .stdout, text: "line \($0)")
        })
    }

    @Test("a publisher of agent output waits while a subscriber has more than the limit pending")
    func publisherWaitsForASlowSubscriber() async throws {
        // A wait no test run outlasts: the count below must not depend on how busy the machine
        // is (a starved test task once let 30 s pass, and the publisher rightly moved on).
        let bus = EventBus(maxPendingAgentLines: 100, maxWait: .seconds(3600))
        let stream = bus.subscribe()
        let published = Locked(0)
        // The publisher runs on its own thread, as an agent's reader does; started here, not
        // from a task, so it runs even while the pool is busy with other tests.
        BlockingThread.start {
            for index in 0..<10 {
                bus.publish(Self.batch(50, from: index * 50))
                published.withLock { $0 += 1 }
            }
        }
        // Nobody reads yet: the third batch brings the backlog to 150 and its publish waits.
        // Waited for by its effect, with a deadline only a wedged machine reaches.
        let deadline = ContinuousClock.now + .seconds(60)
        while bus.pendingAgentLines != [150] && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(bus.pendingAgentLines == [150])
        #expect(published.value == 2)
        // And it stays held: no fourth batch, no third publish returning.
        let held = ContinuousClock.now + .milliseconds(300)
        while ContinuousClock.now < held && published.value == 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(published.value == 2)
        #expect(bus.pendingAgentLines == [150])

        var lines: [String] = []
        for await event in stream {
            if case .agentOutput(_, _, let batch) = event { lines += batch.map(\.text) }
            if lines.count == 500 { break }
        }
        let done = ContinuousClock.now + .seconds(60)
        while published.value < 10 && ContinuousClock.now < done { try await Task.sleep(for: .milliseconds(5)) }
        #expect(lines == (0..<500).map { "line \($0)" })
        #expect(published.value == 10)
    }

    @Test("a subscriber that never reads slows a publisher down for at most the wait, per batch")
    func stalledSubscriberCannotStallForever() {
        let bus = EventBus(maxPendingAgentLines: 10, maxWait: .milliseconds(50))
        let stream = bus.subscribe()
        let start = ContinuousClock.now
        for index in 0..<4 { bus.publish(Self.batch(20, from: index * 20)) }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(5))
        #expect(bus.pendingAgentLines == [80])
        withExtendedLifetime(stream) {}
    }

    @Test("a subscriber that goes away holds nobody back; log lines never wait")
    func goneSubscriberIsDropped() {
        let bus = EventBus(maxPendingAgentLines: 10, maxWait: .seconds(10))
        var stream: AsyncStream<SchedulerEvent>? = bus.subscribe()
        for index in 0..<50 { bus.info("log line \(index)") }
        #expect(bus.pendingAgentLines == [0])
        stream = nil
        let start = ContinuousClock.now
        bus.publish(Self.batch(20))
        bus.publish(Self.batch(20))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(bus.pendingAgentLines.isEmpty)
        _ = stream
    }
}
