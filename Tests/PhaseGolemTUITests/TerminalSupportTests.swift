import Testing
@testable import PhaseGolemTUI

@Suite struct TerminalSupportTests {
    private let terminal = ["TERM": "xterm-256color"]

    private func choose(_ flag: Bool?, _ environment: [String: String], tty: Bool = true) -> TerminalSupport.Choice {
        TerminalSupport.choose(flag: flag, environment: environment, stdinIsTTY: tty, stdoutIsTTY: tty)
    }

    /// Regression: PHASE_GOLEM_TUI=0 was read before --tui, so the flag was silently ignored.
    @Test func explicitTUIWinsOverTheEnvironment() {
        #expect(choose(true, terminal.merging(["PHASE_GOLEM_TUI": "0"]) { $1 }) == .tui)
        #expect(choose(true, terminal.merging(["CI": "true"]) { $1 }) == .tui)
        #expect(choose(true, terminal, tty: false) == .unavailable(reason: "standard input and output must be a terminal"))
    }

    @Test func withoutAFlagTheEnvironmentDecides() {
        #expect(choose(nil, terminal) == .tui)
        #expect(choose(nil, terminal.merging(["PHASE_GOLEM_TUI": "0"]) { $1 }) == .plain)
        #expect(choose(nil, terminal.merging(["CI": "1"]) { $1 }) == .plain)
        #expect(choose(nil, terminal, tty: false) == .plain)
        #expect(choose(nil, ["TERM": "dumb"]) == .plain)
        #expect(choose(false, terminal) == .plain)
    }
}
