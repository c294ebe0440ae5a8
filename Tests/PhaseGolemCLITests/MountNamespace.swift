import Foundation
import PhaseGolemCore

/// Shell scripts run in a private mount namespace (`unshare --mount --propagation private`),
/// where a test can mount a tiny tmpfs or a read-only bind over part of a scratch project
/// without the machine or the other tests seeing it. The mounts vanish with the namespace.
///
/// Needs root (or CAP_SYS_ADMIN) and a kernel that allows it; CI and the development
/// container both run tests as root.
enum MountNamespace {
    /// Why mounts are impossible here, or nil when they work; probed once, with a real mount.
    static let unavailableReason: String? = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("pg-mount-probe-\(getpid())").path
        defer { CLIHarness.remove(probe) }
        do {
            try FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
            let result = try run("mount -t tmpfs -o size=16k tmpfs \"$1\" && mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\"",
                                 arguments: [probe])
            if result.status == 0 { return nil }
            let reason = "unshare/mount not permitted here (exit \(result.status)): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
            print("mount-namespace: tests skipped: \(reason)")
            return reason
        } catch {
            let reason = "unshare could not be started: \(error)"
            print("mount-namespace: tests skipped: \(reason)")
            return reason
        }
    }()

    static var isAvailable: Bool { unavailableReason == nil }

    /// Runs `script` under `sh -e` in a new private mount namespace, with `arguments` as `$1`….
    static func run(_ script: String, arguments: [String], environment: [String: String] = [:]) throws -> CLIHarness.Result {
        let env = CLIHarness.environment(environment)
        let output = try ProcessRunner.run("unshare", ["--mount", "--propagation", "private", "sh", "-ec", script, "sh"] + arguments,
                                           environment: env)
        return CLIHarness.Result(status: output.status, stdout: output.stdoutText, stderr: output.stderrText)
    }
}
