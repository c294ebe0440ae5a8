import Foundation
import Testing
@testable import PhaseGolemCore

/// `ProcessRunner`'s limits: the deadline, the shorter one after a shutdown request, the force.
@Suite("process runner: limits")
struct ProcessRunnerLimitTests {
    /// Live processes whose command line contains `marker`.
    static func live(_ marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.compactMap { pid in
            guard let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  !stat.contains(") Z ") else { return nil }
            let line = String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(marker) ? pid : nil
        }
    }

    /// A descriptor another part of the process opened without close-on-exec must not reach git
    /// or its hooks: a hook that runs for minutes would keep a file open for writing
    /// (exec of it fails with ETXTBSY) or a lock held.
    @Test("children inherit no descriptor beyond stdin, stdout and stderr")
    func noInheritedDescriptors() throws {
        let directory = try TemporaryDirectory("pg-fds")
        let fd = open(directory.file("open-for-writing"), O_WRONLY | O_CREAT, 0o644)
        #expect(fd > 2)
        defer { close(fd) }
        let output = try ProcessRunner.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(output.stdoutText.split(separator: "\n").sorted() == ["0", "1", "2"], "\(output.stdoutText)")
    }

    @Test("a run's program past its deadline is killed with what it started, and the stop says so")
    func deadline() throws {
        let marker = "pg-limit-\(UUID().uuidString.prefix(8))"
        let started = ContinuousClock.now
        // A grandchild (its command line holds the marker) holds the pipe, as a git hook would.
        let output = try ProcessRunner.run("/bin/sh", ["-c", "/bin/sh -c 'sleep 30; :' \(marker); :"],
                                           limit: ProcessRunner.Limit(seconds: 0.3, shutdown: ShutdownFlag()))
        #expect(output.stopped == .deadline(seconds: 0.3, shuttingDown: false))
        #expect(ContinuousClock.now - started < .seconds(10))
        // SIGKILL has been sent to the whole group; on a loaded machine the grandchild may take a
        // moment to be scheduled and die, so its death is awaited (bounded), not assumed.
        let deadline = ContinuousClock.now + .seconds(10)
        while !Self.live(marker).isEmpty && ContinuousClock.now < deadline { usleep(10_000) }
        #expect(Self.live(marker).isEmpty)
    }

    @Test("a one-shot command's program past its deadline is killed too")
    func deadlineWithoutRun() throws {
        let output = try ProcessRunner.run("/bin/sh", ["-c", "exec sleep 30"], limit: ProcessRunner.Limit(seconds: 0.3))
        #expect(output.stopped == .deadline(seconds: 0.3, shuttingDown: false))
    }

    @Test("a program within its deadline runs to its end, output and status intact")
    func withinDeadline() throws {
        let output = try ProcessRunner.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], limit: ProcessRunner.Limit(seconds: 30))
        #expect(output.stopped == nil)
        #expect(output.status == 3)
        #expect(output.stdoutText == "out\n")
        #expect(output.stderrText == "err\n")
    }

    @Test("a shutdown request shortens the deadline of a running program")
    func shutdownShortens() throws {
        let shutdown = ShutdownFlag()
        let requester = Thread { usleep(100_000); shutdown.request() }
        requester.start()
        let output = try ProcessRunner.run("/bin/sh", ["-c", "sleep 30; :"],
                                           limit: ProcessRunner.Limit(seconds: 60, shutdown: shutdown, afterShutdownSeconds: 0.2))
        #expect(output.stopped == .deadline(seconds: 0.2, shuttingDown: true))
    }

    @Test("forcing the stop kills a running program at once; a program started after the force gets the short deadline")
    func forced() throws {
        let shutdown = ShutdownFlag()
        let forcer = Thread { usleep(100_000); shutdown.force() }
        forcer.start()
        let limit = ProcessRunner.Limit(seconds: 60, shutdown: shutdown, afterShutdownSeconds: 5)
        let started = ContinuousClock.now
        let output = try ProcessRunner.run("/bin/sh", ["-c", "sleep 30; :"], limit: limit)
        #expect(output.stopped == .forced)
        #expect(ContinuousClock.now - started < .seconds(4))
        let after = try ProcessRunner.run("/bin/sh", ["-c", "echo saved"], limit: limit)
        #expect(after.stopped == nil)
        #expect(after.stdoutText == "saved\n")
    }

    @Test("git reports a stop as a failure naming the command; PHASE_GOLEM_GIT_TIMEOUT sets the deadline")
    func gitStop() throws {
        let directory = try TemporaryDirectory("pg-git-limit")
        _ = try ProcessRunner.run("git", ["init", "-q"], in: directory.path)
        let git = Git(root: directory.path, limit: ProcessRunner.Limit(seconds: 0.3, shutdown: ShutdownFlag()))
        let hook = directory.file(".git/hooks/pre-commit")
        try ExecutableScript.write("#!/bin/sh\nsleep 30; :\n", to: hook)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: directory.file("file")))
        try git.run(["add", "file"])
        #expect {
            _ = try git.commitStaged(message: "never")
        } throws: { error in
            let failure = error as? Git.Failure
            return failure?.stoppedCommand == "git commit"
                && failure?.description == "git commit did not finish within 0.3 s and was stopped (a hook or a prompt waiting for input?)"
        }
        #expect(Git.timeoutSeconds("2.5") == 2.5)
        #expect(Git.timeoutSeconds(nil) == Git.defaultTimeoutSeconds)
        #expect(Git.timeoutSeconds("soon") == Git.defaultTimeoutSeconds)
        #expect(Git.timeoutSeconds("0") == Git.defaultTimeoutSeconds)
    }
}
