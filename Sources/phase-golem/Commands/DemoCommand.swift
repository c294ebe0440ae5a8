import ArgumentParser
import PhaseGolemCore
#if canImport(Glibc)
import Glibc
#endif

/// `phase-golem demo`: a real multi-target run on a throw-away project, no AI account needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try phase-golem on a throw-away project with a scripted agent (no AI account needed).",
        discussion: """
            Creates a git project with six backlog items and a four-phase pipeline, configured with \
            the bundled scripted agent, and runs three of its items as targets. One of them needs a \
            human decision and blocks: press `a` on the launch screen to turn auto-advance on and \
            watch the run go on to the next target. Real processes, real result files, real commits. \
            The project is kept; its path is printed at the end so you can look at it with \
            `git log` and `phase-golem status`.

            Examples:
              phase-golem demo
              phase-golem demo --no-tui
              phase-golem demo --dir /tmp/my-demo --auto-advance --yes
            """)

    @Option(help: ArgumentHelp("Create the demo project here (an empty or new folder) instead of a new temporary folder.", valueName: "path"))
    var dir: String?

    @Flag(name: .customLong("no-tui"), help: "Print the plain log instead of the full-screen UI; exits with the run's exit code.")
    var noTUI = false

    @Flag(name: .customLong("yes"), help: "Skip the launch screen.")
    var yes = false

    @Flag(name: .customLong("auto-advance"), help: "Start with auto-advance on (it can still be toggled with `a`).")
    var autoAdvance = false

    func run() async throws {
        let root: String
        if let dir {
            root = dir
        } else {
            var template = Array("/tmp/phase-golem-demo-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
                guard let base = buffer.baseAddress, let path = mkdtemp(base) else { return nil }
                return String(cString: path)
            }
            guard let made else {
                throw CLIError("Cannot create a temporary folder for the demo. Pass --dir PATH")
            }
            root = made
        }
        let targets: [String]
        do {
            targets = try DemoProject(root: root).create(agent: [Self.executablePath(), "demo-agent"])
        } catch {
            throw CLIError(error)
        }
        Output.stderr("Demo project created in \(root) (targets: \(targets.joined(separator: ", ")))")
        var arguments = ["--root", root] + targets.flatMap { ["--target", $0] }
        if noTUI { arguments.append("--no-tui") }
        if yes { arguments.append("--yes") }
        if autoAdvance { arguments.append("--auto-advance") }
        let run = try RunCommand.parse(arguments)
        defer {
            Output.stderr("")
            Output.stderr("The demo project is in \(root). Look around:")
            Output.stderr("  cd \(root) && git log --oneline && phase-golem status")
            Output.stderr("Remove it with: rm -rf \(root)")
        }
        try await run.run()
    }

    /// This binary's path, so the demo project's agent command can call it back.
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
