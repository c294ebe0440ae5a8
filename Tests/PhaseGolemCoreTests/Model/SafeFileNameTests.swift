import Testing
import PhaseGolemCore

@Suite("safe file names")
struct SafeFileNameTests {
    @Test("task-golem and phase-golem ids and the usual phase names are safe",
          arguments: ["WRK-a1b2c", "tg-1rh14", "HAMY-5c0f8", "WRK-001", "tech-research", "4-build", "v1.2_final"])
    func safe(_ value: String) {
        #expect(SafeFileName.isSafe(value))
    }

    @Test("anything that could leave a folder, hide a file or carry control characters is not",
          arguments: ["", ".", "..", ".hidden", "a/b", "../x", "a\\b", "a b", "a\u{0}b", "a\nb", "é", String(repeating: "a", count: 129)])
    func unsafe(_ value: String) {
        #expect(!SafeFileName.isSafe(value))
    }
}
