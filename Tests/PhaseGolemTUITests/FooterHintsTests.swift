import Testing
@testable import PhaseGolemTUI

/// The footer's fitting rule: everything when it fits; otherwise help and the way out first.
@Suite struct FooterHintsTests {
    static let hints: [(text: String, essential: Bool)] = [
        ("↑/↓ scroll", false), ("G follow", false), ("Tab filter", false), ("? help", true), ("q stop", true),
    ]

    @Test func everythingWhenItFits() {
        #expect(Canvas.fitHints(Self.hints, width: 80) == "↑/↓ scroll  G follow  Tab filter  ? help  q stop")
    }

    @Test func essentialHintsSurviveANarrowFooterInTableOrder() {
        #expect(Canvas.fitHints(Self.hints, width: 30) == "↑/↓ scroll  ? help  q stop")
        #expect(Canvas.fitHints(Self.hints, width: 14) == "? help  q stop")
    }

    @Test func everyScreenShowsHowToGetOutAt40Columns() {
        for screen in [ScreenKind.launch, .run, .summary] {
            let hints = KeyTable.bindings(for: screen).compactMap { binding in
                binding.label.map { (text: "\(binding.footerNames ?? binding.keyNames) \($0)", essential: binding.action.isEssentialHint) }
            }
            let footer = Canvas.fitHints(hints, width: 38)
            #expect(footer.contains("? help"), "\(screen): \(footer)")
            #expect(footer.unicodeScalars.count <= 38)
        }
    }
}
