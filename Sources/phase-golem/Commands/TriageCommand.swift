import ArgumentParser
import PhaseGolemCore

/// `phase-golem triage`: triage every New item once, without running any phase.
struct TriageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Triage every New item once: assess it, pick its pipeline, route it to Scoping or Ready.",
        discussion: """
            Runs the agent once per New item (no retries). A failed triage leaves the item New. \
            The routing is committed at the end, so the tree stays clean for the next run.

            Example:
              phase-golem triage
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let level = try global.level()
        let plumbing = SessionPlumbing(options: RunOptions(root: global.root, configPath: global.config), level: level)
        let outcome: Result<Int, any Error>
        do {
            outcome = .success(try await plumbing.session.triage())
        } catch {
            outcome = .failure(error)
        }
        await plumbing.finish()
        if case .failure(let error) = outcome { throw CLIError(error) }
    }
}
