import PhaseGolemCore

/// Writes scripts that a test then executes.
///
/// Exec fails with ETXTBSY ("Text file busy") while any process holds the file open for
/// writing. In a test process many threads spawn children at once, and a child forked while
/// this process had the script open holds a copy of that descriptor until it execs (or, with
/// a spawner that keeps descriptors, for as long as it runs): close-on-exec narrows the window
/// but cannot close it on a loaded machine. So the script is written by a short-lived child of
/// its own, and the descriptor for writing it never exists in this process.
enum ExecutableScript {
    static func write(_ text: String, to path: String) throws {
        let output = try ProcessRunner.run("/bin/sh", ["-c", #"printf '%s' "$1" > "$2" && chmod 755 "$2""#, "sh", text, path])
        guard output.succeeded else { throw Failed(path: path, stderr: output.stderrText) }
    }

    struct Failed: Error {
        let path: String
        let stderr: String
    }
}
