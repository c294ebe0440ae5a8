import PhaseGolemCore
import Testing
@testable import PhaseGolemTUI

@Suite struct ViewReducerTests {
    private func press(_ state: inout ViewState, _ keys: Key...) -> [TUICommand] {
        keys.flatMap { ViewReducer.reduce(&state, key: $0, now: state.now) }
    }

    private func char(_ c: Character) -> Key { .character(c) }

    // MARK: Launch

    @Test func launchBuildsRowsFromTargetsInOrder() {
        let state = ViewState(input: Sample.input(targets: ["WRK-003", "WRK-001"]))
        #expect(state.launch.rows.map(\.id) == ["WRK-003", "WRK-001"])
        #expect(!state.launch.picking)
        #expect(state.launch.rows[0].status == "scoping")
    }

    @Test func targetNotInTheActiveItemsShowsAsArchived() {
        let state = ViewState(input: Sample.input(targets: ["WRK-001", "WRK-0ff"]))
        #expect(state.launch.rows.map(\.status) == ["ready", "archived"])
        #expect(state.launch.rows[1].title == "(archived, will be skipped)")
    }

    @Test func capStepsLandOnRoundNumbers() {
        let up = [0, 9, 10, 47, 50, 100, 199, 200].map { ViewReducer.steppedCap($0, up: true) }
        #expect(up == [1, 10, 15, 50, 60, 110, 200, 250])
        let down = [0, 1, 10, 11, 15, 50, 55, 100, 200, 250].map { ViewReducer.steppedCap($0, up: false) }
        #expect(down == [0, 0, 9, 10, 10, 45, 50, 90, 190, 200])
    }

    @Test func toggleAutoAdvanceChangesLaunchedParams() {
        var state = ViewState(input: Sample.input())
        #expect(press(&state, char("a"), .enter) == [.launch(RunParams(targets: Sample.input().params.targets, cap: 100, autoAdvance: false))])
    }

    @Test("d on the launch screen asks for the run in the background with the launch settings; this UI runs nothing")
    func detachFromLaunch() {
        var state = ViewState(input: Sample.input())
        guard case let .detach(params)? = press(&state, char("a"), char("d")).first else {
            Issue.record("no detach")
            return
        }
        #expect(params.targets == Sample.input().params.targets)
        #expect(params.autoAdvance == !Sample.input().params.autoAdvance)
        #expect(state.screen == .launch)
        var blocked = ViewState(input: Sample.input(errors: Sample.preflightErrors))
        #expect(press(&blocked, char("d")).isEmpty)
        #expect(blocked.launch.notice?.hasPrefix("Cannot launch: preflight found") == true)
    }

    @Test func capBoundsAtZero() {
        var state = ViewState(input: Sample.input())
        _ = press(&state, char("+"), char("+"))
        #expect(state.params.cap == 120)
        state.params.cap = 1
        _ = press(&state, char("-"), char("-"), char("-"))
        #expect(state.params.cap == 0)
        guard case let .launch(params)? = press(&state, .enter).first else {
            Issue.record("no launch")
            return
        }
        #expect(params.cap == 0)
    }

    @Test func pickingAndReorderingFromBacklog() {
        var state = ViewState(input: Sample.input(targets: []))
        #expect(state.launch.picking)
        #expect(!state.launch.rows.map(\.id).contains("WRK-005"), "done items are not offered")
        _ = press(&state, char(" "), .down, .down, char(" "), char("K"), char("K"))
        #expect(state.launchTargets == ["WRK-003", "WRK-001"])
        _ = press(&state, char(" "))
        #expect(state.launchTargets == ["WRK-001"])
        _ = press(&state, .up, char("j"), char("J"))
        #expect(state.launch.rows.map(\.id).prefix(3) == ["WRK-003", "WRK-002", "WRK-001"])
        guard case let .launch(params)? = press(&state, .enter).first else {
            Issue.record("no launch")
            return
        }
        #expect(params.targets == ["WRK-001"])
    }

    @Test func reorderingGivenTargetsChangesRunOrder() {
        var state = ViewState(input: Sample.input(targets: ["WRK-001", "WRK-002"]))
        _ = press(&state, char("J"))
        #expect(press(&state, .enter) == [.launch(RunParams(targets: ["WRK-002", "WRK-001"], cap: 100, autoAdvance: true))])
    }

    @Test func preflightErrorsBlockLaunch() {
        var state = ViewState(input: Sample.input(errors: Sample.preflightErrors))
        #expect(press(&state, .enter).isEmpty)
        #expect(state.screen == .launch)
        #expect(state.launch.notice?.contains("2 errors") == true)
    }

    @Test func quitAtLaunchExits130() {
        var state = ViewState(input: Sample.input())
        #expect(press(&state, char("q")) == [.quit(exitCode: 130)])
        #expect(press(&state, .interrupt) == [.quit(exitCode: 130)])
    }

    @Test func helpTogglesOnEveryScreen() {
        var launch = ViewState(input: Sample.input())
        _ = press(&launch, char("?"))
        #expect(launch.showHelp)
        #expect(press(&launch, .enter).isEmpty, "keys under the overlay are swallowed")
        _ = press(&launch, char("?"))
        #expect(!launch.showHelp)
        var run = Sample.midRun()
        _ = press(&run, char("?"))
        #expect(run.showHelp)
        _ = press(&run, .escape)
        #expect(!run.showHelp)
        var summary = Sample.summaryState(blocked: false)
        #expect(press(&summary, char("?")).isEmpty)
        #expect(summary.showHelp)
    }

    // MARK: Run events

    @Test func eventsDriveTargetRows() {
        let state = Sample.midRun()
        #expect(state.screen == .run)
        #expect(state.run.rows.map(\.status) == [.done, .blocked, .running, .skipped, .pending])
        #expect(state.run.rows[2].phasePosition == "build 4/7")
        #expect(state.run.rows[1].reason == "Review found a data race in StoreWriter.flush")
        #expect(state.run.selected == 2, "selection follows the running target")
        #expect(state.run.capUsed == 7 && state.run.cap == 100)
        #expect(state.run.breakerCount == 1 && state.run.breakerThreshold == 2)
        #expect(state.run.rows[2].startedAt == 1301)
    }

    @Test func agentOutputIsSanitized() {
        let state = Sample.midRun()
        #expect(state.run.log.lines.contains { $0.text == "Editing 3 files" })
        #expect(!state.run.log.lines.contains { $0.text.unicodeScalars.contains("\u{1B}") })
    }

    @Test func logIsBounded() {
        var state = ViewState(input: Sample.input())
        for index in 0..<5_100 { ViewReducer.reduce(&state, event: .log(.info, "line \(index)")) }
        #expect(state.run.log.lines.count == 5_000)
        #expect(state.run.log.lines.first?.text == "line 100")
    }

    @Test func logTrimmedInBatchesShowsExactlyTheNewestLines() {
        var log = LogBuffer(capacity: 8)
        for index in 0..<100 {
            log.append(itemID: nil, text: "line \(index)", level: nil)
            let expected = Array(max(0, index - 7)...index)
            #expect(log.lines.map(\.sequence) == expected)
            #expect(log.lines.first?.text == "line \(expected[0])")
        }
    }

    @Test func clockReadingsChangeOnlyWithWhatTheRunScreenShows() {
        var state = Sample.midRun()
        ViewReducer.tick(&state, now: 1400.01)
        let readings = Renderer.clockReadings(state)
        ViewReducer.tick(&state, now: 1400.05)
        #expect(Renderer.clockReadings(state) == readings, "same spinner frame, same seconds")
        ViewReducer.tick(&state, now: 1400.11)
        #expect(Renderer.clockReadings(state) != readings, "the spinner moved")
        let summary = Sample.summaryState(blocked: true)
        #expect(Renderer.clockReadings(summary).isEmpty)
    }

    @Test func tickMovesSpinnerAndElapsedButReducerNeverReadsClock() {
        var state = Sample.midRun()
        ViewReducer.tick(&state, now: 1401)
        let early = Renderer.render(state, width: 80, height: 24)
        ViewReducer.tick(&state, now: 1401.1)
        let later = Renderer.render(state, width: 80, height: 24)
        #expect(early != later)
        #expect(early.textLines[4].contains("01:40"))
    }

    // MARK: Scrolling, filter, search

    @Test func scrollStopsFollowingAndGResumes() {
        var state = Sample.midRun()
        ViewReducer.resize(&state, width: 80, height: 24)
        #expect(state.run.following)
        _ = press(&state, char("k"))
        #expect(!state.run.following)
        #expect(Renderer.render(state, width: 80, height: 24).textLines[8].contains("SCROLLED"))
        _ = press(&state, char("G"))
        #expect(state.run.following)
        _ = press(&state, .pageUp, .pageDown)
        #expect(state.run.following, "scrolling back to the newest line follows again")
        _ = press(&state, char("g"))
        let top = Renderer.render(state, width: 80, height: 24).textLines[9]
        #expect(top.contains("--- Phase Golem ---"))
        _ = press(&state, .end)
        #expect(state.run.following)
        _ = press(&state, .up, .down)
        #expect(state.run.following)
    }

    /// Regression: the page size was measured at start-up (no target rows yet) and on resize only,
    /// but below 100 columns the log pane shrinks as target rows and the detail line appear.
    @Test func pagingFollowsTheLogPaneAsTargetsAndDetailTakeRoom() {
        var state = Sample.midRun(size: (80, 24))
        _ = press(&state, char("r"))
        #expect(state.run.showDetail)
        _ = press(&state, char("g"))
        let screen = Renderer.render(state, width: 80, height: 24).textLines
        let logTop = Layout.runPanes(state, width: 80, height: 24).log.inner.y
        #expect(screen[logTop].contains("--- Phase Golem ---"), "g shows the oldest line at the top of the pane")
        // One page down from the top shows the line right after the last one shown.
        let pane = Layout.logLines(state, width: 80, height: 24)
        _ = press(&state, .pageDown)
        let after = Renderer.render(state, width: 80, height: 24).textLines
        #expect(after[logTop + pane - 1].contains(state.run.log.lines[2 * pane - 1].text))
    }

    @Test func newLinesDoNotMoveAScrolledView() {
        var state = Sample.midRun()
        _ = press(&state, .pageUp)
        let anchor = state.run.anchor
        ViewReducer.reduce(&state, event: .log(.info, "new line"))
        #expect(state.run.anchor == anchor)
    }

    @Test func tabFiltersToSelectedTarget() {
        var state = Sample.midRun()
        _ = press(&state, .tab)
        #expect(state.run.filterSelected)
        #expect(state.visibleLog.allSatisfy { $0.itemID == "WRK-003" })
        _ = press(&state, .left, .left)
        #expect(state.visibleLog.map(\.text).contains("Reading src/auth/limiter.swift"))
        _ = press(&state, .tab)
        #expect(state.visibleLog.count == state.run.log.lines.count)
    }

    @Test func searchJumpsBackwardsAndNextFindsOlderMatches() {
        var state = Sample.midRun()
        ViewReducer.resize(&state, width: 80, height: 24)
        _ = press(&state, char("/"), char("m"), char("o"), char("d"), char("x"), .backspace, char("u"), char("l"), char("e"), char(" "), char("2"), .enter)
        #expect(state.run.searchQuery == "module 2")
        let first = state.run.log.lines.first { $0.sequence == state.run.anchor }
        #expect(first?.text == "build step 29: compiling module 29")
        _ = press(&state, char("n"))
        #expect(state.run.log.lines.first { $0.sequence == state.run.anchor }?.text == "build step 28: compiling module 28")
        _ = press(&state, char("/"), char("z"), char("z"), char("z"), .enter)
        #expect(state.run.searchMessage == "Not found: zzz")
    }

    /// Regression: the highlight's column was counted in the lowercased text, where "İ" is two
    /// scalars, so it landed right of the match.
    @Test func searchHighlightStaysOnTheMatchWhenLowercasingChangesLength() {
        var state = Sample.midRun()
        ViewReducer.reduce(&state, event: .log(.info, "İİ Error here"))
        _ = press(&state, char("/"), char("e"), char("r"), char("r"), char("o"), char("r"), .enter)
        let buffer = Renderer.render(state, width: 80, height: 24)
        let lines = buffer.textLines
        guard let y = lines.firstIndex(where: { $0.contains("İİ Error here") }),
              let x = lines[y].unicodeScalars.map(String.init).firstIndex(of: "E") else {
            Issue.record("the line is not on screen")
            return
        }
        let reversed = (0..<80).filter { buffer[$0, y].style.reverse }
        #expect(reversed == Array(x..<x + 5))
        #expect(RunScreenRenderer.matchColumns(of: "i̇", in: "aİb") == 1..<2, "a match inside one character's lowercasing covers it")
        #expect(RunScreenRenderer.matchColumns(of: "zz", in: "aİb") == nil)
    }

    @Test func escCancelsSearchPrompt() {
        var state = Sample.midRun()
        _ = press(&state, char("/"), char("q"), .escape)
        #expect(state.run.searchDraft == nil)
        #expect(!state.run.confirmingQuit, "q typed into the prompt is text, not quit")
        #expect(state.run.following)
    }

    @Test func detailToggle() {
        var state = Sample.midRun()
        _ = press(&state, .left, char("r"))
        #expect(state.run.showDetail)
        #expect(Renderer.render(state, width: 80, height: 24).textLines.contains { $0.contains("blocked: Review found a data race") })
        _ = press(&state, .enter)
        #expect(!state.run.showDetail)
    }

    // MARK: Quit flow

    @Test func confirmQuitFlow() {
        var state = Sample.midRun()
        #expect(press(&state, char("q")).isEmpty)
        #expect(state.run.confirmingQuit)
        #expect(press(&state, char("n")).isEmpty)
        #expect(!state.run.confirmingQuit)
        _ = press(&state, char("q"))
        #expect(press(&state, .escape).isEmpty)
        _ = press(&state, char("q"))
        #expect(press(&state, char("y")) == [.requestShutdown])
        #expect(state.run.shuttingDown)
        #expect(press(&state, char("q")).isEmpty)
        #expect(press(&state, .interrupt) == [.forceShutdown])
    }

    @Test func ctrlCTwiceRequestsThenForces() {
        var state = Sample.midRun()
        #expect(press(&state, .interrupt).isEmpty)
        #expect(press(&state, .interrupt) == [.requestShutdown])
        #expect(press(&state, .interrupt) == [.forceShutdown])
    }

    // MARK: Summary

    @Test func haltedShowsSummaryWithUnreachedAsSkipped() {
        let state = Sample.summaryState(blocked: true)
        #expect(state.screen == .summary)
        let skipped = SummaryScreenRenderer.skippedRows(state, summary: state.summary ?? RunSummary(haltReason: .capReached))
        #expect(skipped.map(\.0) == ["WRK-004", "WRK-006"])
        #expect(state.run.rows.first { $0.id == "WRK-003" }?.status == .blocked)
    }

    @Test func anyKeyOnSummaryExitsWithSummaryCode() {
        var state = Sample.summaryState(blocked: true)
        #expect(press(&state, char("x")) == [.exit(code: 0)])
        var allBlocked = Sample.midRun()
        ViewReducer.reduce(&allBlocked, event: .halted(RunSummary(itemsBlocked: ["WRK-002"], haltReason: .targetBlocked)))
        #expect(press(&allBlocked, .enter) == [.exit(code: 1)])
        #expect(SummaryScreenRenderer.exitMeaning(allBlocked.summary ?? RunSummary(haltReason: .capReached), unicode: true)
            == "exit 1 — all targets blocked")
    }

    @Test func footerAndHelpComeFromTheKeyTable() {
        var state = Sample.midRun()
        let footer = Renderer.render(state, width: 200, height: 40).textLines[39]
        for binding in KeyTable.bindings(for: .run) {
            if let label = binding.label { #expect(footer.contains("\(binding.footerNames ?? binding.keyNames) \(label)")) }
        }
        _ = press(&state, char("?"))
        let screen = Renderer.render(state, width: 120, height: 40).textLines.joined(separator: "\n")
        for binding in KeyTable.bindings(for: .run) { #expect(screen.contains(binding.description)) }
    }
}
