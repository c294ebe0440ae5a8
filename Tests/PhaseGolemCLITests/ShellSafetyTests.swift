import Foundation
import Testing
import PhaseGolemCore

/// No item title and no agent text is ever handed to a shell: agents and git get argument
/// vectors, so shell syntax in either stays text.
@Suite("run: no shell ever sees a title or agent text", .processSlot)
struct ShellSafetyTests {
    @Test("command substitutions, backticks and separators in a title and a commit summary stay text")
    func metacharactersStayText() throws {
        let marker = try CLIHarness.makeTemporaryDirectory("pg-shell-marker")
        defer { CLIHarness.remove(marker) }
        let hostile = "$(touch \(marker)/dollar) `touch \(marker)/backtick` ; touch \(marker)/semicolon && touch \(marker)/and | touch \(marker)/pipe"
        let id = "WRK-00001"
        let root = try RunHarness.project(items: [RunHarness.item(id, hostile, status: .inProgress, phase: "review", pool: .main)])
        defer { CLIHarness.remove(root) }

        let result = try RunHarness.run(["--target", id], in: root, environment: ["FAKE_AGENT_COMMIT_SUMMARY": "Reviewed: " + hostile])

        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: marker).isEmpty, "a shell ran the text")
        let subjects = try RunHarness.subjects(root)
        #expect(subjects.contains("[\(id)][review] Reviewed: " + hostile))
        #expect(try RunHarness.archived(root) == [id])
        let archivedTitle = try TaskStore(root: root).loadArchive().items.first?.title
        #expect(archivedTitle == hostile)
    }
}
