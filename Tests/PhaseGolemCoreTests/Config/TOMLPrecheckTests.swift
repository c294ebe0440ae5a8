import Testing
@testable import PhaseGolemCore

/// The precheck must stop what aborts toml++ and nothing valid: the text of strings,
/// one-line or multi-line, is never read as keys.
@Suite("TOML precheck")
struct TOMLPrecheckTests {
    @Test("valid configs with strings that look like TOML pass", arguments: [
        "[project]\nprefix = \"WRK\"\nnote = \"\"\"\nDo it.\n\"\"\"\n",
        "[project]\nnote = \"\"\"\nNote: a = b\n[x..y]\n\"\"\"\nlit = '''\nx. = 1\n'''\n",
        "[project]\nnote = \"\"\"ends with quotes\"\"\"\"\"\nnext = \"a . b\"\n",
        "[project]\nnote = \"é in a string\" # é in a comment\n",
    ])
    func validTextPasses(_ text: String) {
        #expect(TOMLPrecheck.check(text) == nil, "\(text.debugDescription)")
    }

    @Test("what aborts toml++ is still found around multi-line strings", arguments: [
        ("note = \"\"\"\nok\n\"\"\"\n[..x]\n", "empty key"),
        ("note = '''\nok\n'''\na. = 1\n", "empty key"),
        ("note = \"\"\"\nok\n\"\"\"\n[\u{E2}x]\n", "non-ASCII"),
    ])
    func problemsAfterStringsAreFound(_ text: String, _ message: String) {
        #expect(TOMLPrecheck.check(text)?.message.contains(message) == true, "\(text.debugDescription)")
    }
}
