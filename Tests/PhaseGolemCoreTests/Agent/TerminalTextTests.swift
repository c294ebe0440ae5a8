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

    @Test("a message of several lines keeps them; each line is cleaned on its own")
    func linesAreKept() {
        let message = "Preflight error: bad \u{1B}[31mthing\n  Config: here\u{07}\n  Fix: do it"
        #expect(TerminalText.plainLines(message) == "Preflight error: bad thing\n  Config: here\n  Fix: do it")
        // A \r inside one line overwrites that line only, never the lines before it.
        #expect(TerminalText.plainLines("first\nhalf\rwhole") == "first\nwhole")
    }

    @Test("the plain printer prints a multi-line log message as its lines, byte for byte")
    func plainPrinterKeepsLines() throws {
        let printer = PlainPrinter(level: .info, write: { _ in })
        let bytes = try #require(printer.render(.log(.error, "  Preflight error: x\n  Config: y\n  Fix: z")))
        #expect(String(decoding: bytes, as: UTF8.self) == "  Preflight error: x\n  Config: y\n  Fix: z\n")
    }
}
