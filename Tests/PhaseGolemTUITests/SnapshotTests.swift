import PhaseGolemCore
import Testing
@testable import PhaseGolemTUI

@Suite struct SnapshotTests {
    static let sizes = [(80, 24), (120, 40)]

    static func states() -> [(String, ViewState)] {
        var picking = ViewState(input: Sample.input(targets: []))
        _ = ViewReducer.reduce(&picking, key: .character(" "), now: 0)
        _ = ViewReducer.reduce(&picking, key: .character("j"), now: 0)
        _ = ViewReducer.reduce(&picking, key: .character("j"), now: 0)
        _ = ViewReducer.reduce(&picking, key: .character(" "), now: 0)
        var blockedLaunch = ViewState(input: Sample.input(errors: Sample.preflightErrors))
        _ = ViewReducer.reduce(&blockedLaunch, key: .enter, now: 0)
        var help = Sample.midRun()
        _ = ViewReducer.reduce(&help, key: .character("?"), now: 1385)
        var detail = Sample.midRun()
        _ = ViewReducer.reduce(&detail, key: .left, now: 1385)
        _ = ViewReducer.reduce(&detail, key: .character("r"), now: 1385)
        var budgeted = ViewState(input: Sample.input())
        budgeted.params.maxCostUSD = 12.5
        return [
            ("launch-targets", ViewState(input: Sample.input())),
            ("launch-budget", budgeted),
            ("launch-preflight-errors", blockedLaunch),
            ("launch-picking", picking),
            ("run-midrun", Sample.midRun()),
            ("run-detail", detail),
            ("run-help", help),
            ("run-ascii-nocolor", Sample.midRun(colors: false, unicode: false)),
            ("summary-completed", Sample.summaryState(blocked: false)),
            ("summary-blocked", Sample.summaryState(blocked: true)),
            ("run-claude-costs", Sample.claudeRun()),
            ("summary-report", Sample.claudeSummary()),
            ("summary-agent-unavailable", Sample.agentUnavailableSummary()),
        ]
    }

    @Test func screensAtStandardSizes() {
        for (name, state) in Self.states() {
            for (width, height) in Self.sizes {
                assertSnapshot(Renderer.render(state, width: width, height: height), named: "\(name)-\(width)x\(height)")
            }
        }
    }

    @Test func minimumSize() {
        for (name, state) in Self.states() where ["launch-targets", "run-midrun", "summary-blocked"].contains(name) {
            assertSnapshot(Renderer.render(state, width: 60, height: 15), named: "\(name)-60x15")
        }
    }

    @Test func tooSmall() {
        let buffer = Renderer.render(Sample.midRun(), width: 40, height: 10)
        assertSnapshot(buffer, named: "too-small-40x10")
        #expect(buffer.textLines.joined().contains("Terminal too small (40x10)"))
    }

    @Test(arguments: [(1, 1), (20, 6), (59, 24), (60, 15), (99, 30), (100, 30), (250, 80)])
    func rendersAtAnySize(width: Int, height: Int) {
        for (_, state) in Self.states() {
            let buffer = Renderer.render(state, width: width, height: height)
            #expect(buffer.width == width && buffer.height == height)
            #expect(buffer.cells.allSatisfy { Sanitizer.width(of: $0.scalar) == 1 })
        }
    }
}

/// The running target shows what its agent does at every width: inline when the targets pane
/// is the screen's width, on a line under the row when it is side by side (at 110 columns the
/// phase and times once left the activity no room at all).
@Suite struct RunningRowActivityTests {
    @Test(arguments: [60, 80, 99, 100, 110, 120, 160, 250])
    func activityIsVisible(width: Int) throws {
        let lines = Renderer.render(Sample.claudeRun(), width: width, height: 30).textLines
        let row = try #require(lines.first { $0.contains("WRK-002") })
        if width >= Layout.sideBySideWidth {
            let below = try #require(lines.firstIndex(of: row).map { lines[$0 + 1] })
            #expect(below.contains("↳ Edit Sources/"), "\(below)")
            #expect(below.contains("turn 4") && below.contains("quiet 25s"), "\(below)")
            #expect(row.contains("WRK-002 Refactor"), "the row keeps its title: \(row)")
        } else {
            #expect(row.contains("WRK-002 Edit Source"), "\(row)")
        }
    }
}

/// A running agent silent for two minutes or more has its `quiet …` figure marked bold yellow,
/// inline and on the line under the row; shorter silences stay unmarked.
@Suite struct LongSilenceMarkTests {
    /// The style of the first cell of `quiet` on the screen, and the line it is on.
    static func quietCell(_ state: ViewState, width: Int) throws -> (Style, String) {
        let buffer = Renderer.render(state, width: width, height: 30)
        let lines = buffer.textLines
        let y = try #require(lines.firstIndex { $0.contains("quiet ") })
        let prefix = try #require(lines[y].range(of: "quiet ")).lowerBound
        let x = lines[y].unicodeScalars.distance(from: lines[y].unicodeScalars.startIndex, to: prefix)
        return (buffer[x, y].style, lines[y])
    }

    @Test(arguments: [80, 120])
    func longSilenceIsMarked(width: Int) throws {
        var state = Sample.claudeRun()
        let (short, _) = try Self.quietCell(state, width: width)
        #expect(short.foreground != .yellow)
        ViewReducer.tick(&state, now: 1250 + 130)
        let (long, line) = try Self.quietCell(state, width: width)
        #expect(line.contains("quiet 2m10s"), "\(line)")
        #expect(long.foreground == .yellow && long.bold, "\(long)")
    }
}

/// The highlighted row keeps its colours under the reverse video (snapshot attribute layers
/// show only the `r`, so this looks at the styles themselves).
@Suite struct SelectionStyleTests {
    @Test func selectedRowKeepsItsStatusColour() {
        let state = Sample.midRun()
        let buffer = Renderer.render(state, width: 120, height: 40)
        let reversedColoured = (0..<buffer.height).contains { y in
            (0..<buffer.width).contains { x in buffer[x, y].style.reverse && buffer[x, y].style.foreground != nil }
        }
        #expect(reversedColoured, "no cell of the selected row keeps a colour")
    }
}
