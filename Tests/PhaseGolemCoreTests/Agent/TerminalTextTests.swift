import Testing
import PhaseGolemCore

@Suite("terminal text for plain output")
struct TerminalTextTests {
    @Test("plain text, tabs, wide and combining characters pass unchanged")
    func harmlessTextIsKept() {
        for text in ["plain line", "tab\tseparated", "日本語 ok", "é and e\u{301}", "© 2026"] {
            #expect(TerminalText.plain(text) == text)
        }
    }

    @Test("escape sequences go whole; other controls go; \\r overwrites", arguments: [
        ("\u{1B}[2J\u{1B}[Hcleared", "cleared"),
        ("\u{1B}]0;title\u{07}after", "after"),
        ("\u{1B}]52;c;Y2xpcA==\u{1B}\\clip", "clip"),
        ("\u{9B}31mred", "red"),
        ("bell\u{07} back\u{08}space\u{7F}", "bell backspace"),
        ("progress 10%\rprogress 100%", "progress 100%"),
        ("crlf line\r\n", "crlf line"),
    ])
    func controlsAreRemoved(_ input: String, _ expected: String) {
        #expect(TerminalText.plain(input) == expected)
    }
}
