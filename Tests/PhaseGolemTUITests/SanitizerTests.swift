import Testing
@testable import PhaseGolemTUI

@Suite struct SanitizerTests {
    @Test(arguments: [
        ("\u{1B}[2Jclear", "clear"),
        ("a\u{1B}[10;20Hb\u{1B}[1Ac", "abc"),
        ("\u{1B}]0;evil title\u{07}text", "text"),
        ("\u{1B}]52;c;ZXZpbA==\u{1B}\\copy", "copy"),
        ("\u{1B}Pdcs payload\u{1B}\\after", "after"),
        ("\u{1B}(Bascii", "ascii"),
        ("\u{9B}31mred", "red"),
        ("progress 10%\rprogress 100%", "progress 100%"),
        ("line\r\n", "line"),
        ("ab\u{08}c", "abc"),
        ("nul\u{0}here", "nulhere"),
        ("bad \u{FFFD} byte", "bad ? byte"),
        ("a\tb", "a   b"),
        ("e\u{301}", "e"),
        ("日本x", "??x"),
        ("ok 🎉", "ok ?"),
        ("zero\u{200B}width", "zerowidth"),
        ("\u{1B}]0;unterminated", ""),
    ])
    func hostileInput(input: String, expected: String) {
        #expect(Sanitizer.sanitize(input) == expected)
    }

    @Test func invalidUTF8BecomesQuestionMarks() {
        #expect(Sanitizer.sanitize(bytes: [0x61, 0xFF, 0xFE, 0x62]) == "a??b")
    }

    @Test func everyOutputScalarIsPrintableWidthOne() {
        // A deterministic pseudo-random soup of hostile scalars.
        var seed: UInt64 = 42
        let pool: [Unicode.Scalar] = ["\u{1B}", "[", "]", "\u{07}", "\r", "\u{08}", "\u{0}", "\u{9B}", "\u{9D}", "a", "Z",
                                      "\u{301}", "日", "🎉", "\u{200B}", "\t", "\n", ";", "P", "\\", "\u{FFFD}", "✔"]
        for _ in 0..<300 {
            var text = String.UnicodeScalarView()
            for _ in 0..<40 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text.append(pool[Int(seed >> 33) % pool.count])
            }
            let clean = Sanitizer.sanitize(String(text))
            #expect(clean.unicodeScalars.allSatisfy { Sanitizer.width(of: $0) == 1 && $0 != "\u{FFFD}" })
        }
    }

    @Test func truncateAddsEllipsis() {
        #expect(Sanitizer.truncate("abcdef", to: 4) == "abc…")
        #expect(Sanitizer.truncate("abcdef", to: 4, unicode: false) == "abc~")
        #expect(Sanitizer.truncate("abc", to: 4) == "abc")
    }
}
