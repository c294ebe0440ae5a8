import ArgumentParser
import PhaseGolemCore

/// `phase-golem demo-agent`: the scripted agent the demo project is configured with.
struct DemoAgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-agent",
        abstract: "The scripted agent used by `phase-golem demo` (not an AI; called by phase-golem itself).",
        shouldDisplay: false)

    @Flag(name: .customLong("version"), help: "Print a version line, as agent CLIs do.")
    var version = false

    @Argument(parsing: .captureForPassthrough, help: "The prompt (phase-golem passes it as the last argument).")
    var prompt: [String] = []

    func run() throws {
        if version {
            Output.stdout("phase-golem demo-agent \(PhaseGolemVersion.current) (scripted, no AI)")
            return
        }
        let status = DemoAgent(environment: ProcessEnvironment.all, prompt: prompt.last ?? "").run()
        if status != 0 { throw ExitRequest(status: status == 2 ? .usage : .failure) }
    }
}
