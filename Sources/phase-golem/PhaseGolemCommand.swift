import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import PhaseGolemCore

/// The root command: `phase-golem <subcommand>`.
struct PhaseGolemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phase-golem",
        abstract: "Work through a task-golem backlog autonomously with an AI coding agent.",
        discussion: """
            phase-golem takes work items from .task-golem/tasks.jsonl, triages them, and drives an \
            agent CLI through each item's workflow phases, committing every state change to git.

            Examples:
              phase-golem init --prefix WRK
              phase-golem add "Fix login timeout" --impact high --size small
              phase-golem status
            """,
        version: PhaseGolemVersion.current,
        subcommands: [
            InitCommand.self,
            AddCommand.self,
            StatusCommand.self,
            AdvanceCommand.self,
            UnblockCommand.self,
            RunCommand.self,
            TriageCommand.self,
            RunsCommand.self,
            WatchCommand.self,
            DemoCommand.self,
            DemoAgentCommand.self,
        ]
    )
}

/// The entry point: parses, runs, and maps every outcome to the documented exit code.
@main
enum PhaseGolemMain {
    static func main() async {
        if let status = FastPath.run(Array(CommandLine.arguments.dropFirst())) {
            Glibc.exit(status)
        }
        let arguments = GlobalOptions.movingLeadingGlobals(Array(CommandLine.arguments.dropFirst()))
        if arguments.isEmpty {
            // No subcommand is a usage error, as in the original: the help on stderr, exit 2.
            Output.stderr(PhaseGolemCommand.helpMessage())
            exit(.usage)
        }
        if let conflict = RunCommand.targetOnlyConflict(arguments) {
            Output.stderr(conflict)
            exit(.usage)
        }
        var command: any ParsableCommand
        do {
            command = try PhaseGolemCommand.parseAsRoot(arguments)
        } catch {
            exitForParseError(error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(.success)
        } catch let usage as UsageError {
            Output.stderr("Error: \(usage.description)")
            exit(.usage)
        } catch let exitRequest as ExitRequest {
            exit(exitRequest.status)
        } catch {
            exitForParseError(error)
        }
    }

    /// Lets ArgumentParser classify what it threw: help and version exit 0 on stdout, usage
    /// problems exit 2; anything else is a handled error (exit 1).
    static func exitForParseError(_ error: any Error) -> Never {
        let code = PhaseGolemCommand.exitCode(for: error)
        let message = PhaseGolemCommand.fullMessage(for: error)
        if code == .success {
            Output.stdout(message)
            exit(.success)
        }
        if code == .validationFailure {
            Output.stderr(message)
            exit(.usage)
        }
        Output.stderr(message.hasPrefix("Error: ") ? message : "Error: \(message)")
        exit(.failure)
    }

    static func exit(_ status: ExitStatus) -> Never {
        Glibc.exit(status.rawValue)
    }
}

/// Thrown by a command that has finished and wants a specific exit code (for example `run`).
struct ExitRequest: Error {
    let status: ExitStatus
}
