import Synchronization

/// Stands between an agent's output collector and the run's event callback, turning stdout
/// lines into activities with an `AgentStreamTranslator` when the agent has one.
///
/// Without a translator, events pass through unchanged. With one, each batch of lines is
/// split into runs by stream, in order: stdout runs become one `.activity` event, stderr runs
/// stay `.output`. The collector has already written every raw byte to the log and bounded
/// each line, so translation never sees more than a line's head.
final class AgentOutputTranslation: Sendable {
    private let translator: Mutex<(any AgentStreamTranslator)?>
    private let onEvent: @Sendable (AgentEvent) -> Void

    init(translator: (any AgentStreamTranslator)?, onEvent: @escaping @Sendable (AgentEvent) -> Void) {
        self.translator = Mutex(translator)
        self.onEvent = onEvent
    }

    /// The callback to hand to the collector.
    var callback: @Sendable (AgentEvent) -> Void {
        { [self] event in handle(event) }
    }

    /// What the translator learned; empty without one.
    var facts: AgentRunFacts {
        translator.withLock { $0?.facts ?? AgentRunFacts() }
    }

    private func handle(_ event: AgentEvent) {
        guard case .output(let lines) = event else { return onEvent(event) }
        let translated = translator.withLock { translator -> [AgentEvent]? in
            guard translator != nil else { return nil }
            var events: [AgentEvent] = []
            var activities: [AgentActivity] = []
            var passed: [AgentOutputLine] = []
            for line in lines {
                if line.stream == .stdout {
                    if !passed.isEmpty { events.append(.output(passed)); passed.removeAll() }
                    activities += translator?.translate(line) ?? []
                } else {
                    if !activities.isEmpty { events.append(.activity(activities)); activities.removeAll() }
                    passed.append(line)
                }
            }
            if !passed.isEmpty { events.append(.output(passed)) }
            if !activities.isEmpty { events.append(.activity(activities)) }
            return events
        }
        guard let translated else { return onEvent(event) }
        for event in translated { onEvent(event) }
    }
}
