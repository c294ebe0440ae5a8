import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process groups of running agents, so that shutdown can stop all of them (docs/compatibility.md#agents).
///
/// Each agent runs in its own process group, out of reach of a terminal Ctrl-C; this registry
/// is how the end of `run` (or a second Ctrl-C) still reaches every process an agent started.
public final class ProcessGroupRegistry: Sendable {
    private let groups = Mutex<Set<pid_t>>([])

    /// How often a dying group is checked, as the original does.
    public static let pollInterval: Duration = .milliseconds(100)

    public init() {}

    public func register(_ pgid: pid_t) {
        _ = groups.withLock { $0.insert(pgid) }
    }

    public func unregister(_ pgid: pid_t) {
        _ = groups.withLock { $0.remove(pgid) }
    }

    /// The registered group ids, ascending.
    public var registered: [pid_t] {
        groups.withLock { $0.sorted() }
    }

    /// SIGTERMs every registered group, waits up to `grace` for all to be gone, SIGKILLs the rest,
    /// and empties the registry.
    ///
    /// Blocks the calling thread for up to `grace`; it is meant for the end of a command.
    public func killAll(grace: Duration = .seconds(5)) {
        let pgids = registered
        guard !pgids.isEmpty else { return }
        Self.killGroups(pgids, grace: grace)
        groups.withLock { $0.subtract(pgids) }
    }

    /// SIGKILLs every registered group at once (a second Ctrl-C) and empties the registry.
    ///
    /// It takes a lock, so call it from signal-handling code that runs as ordinary code (a
    /// Dispatch signal source, a task watching the flag), not from a raw signal handler.
    public func killAllNow() {
        let pgids = groups.withLock { groups in
            let all = groups
            groups.removeAll()
            return all
        }
        for pgid in pgids { kill(-pgid, SIGKILL) }
    }

    /// Stops one process group: SIGTERM, up to `grace` for it to go, then SIGKILL.
    public static func killGroup(_ pgid: pid_t, grace: Duration = .seconds(5)) {
        killGroups([pgid], grace: grace)
    }

    /// Stops process groups together: SIGTERM to all, up to `grace` (once, not per group) for
    /// them to go, then SIGKILL to the rest.
    ///
    /// Groups that do not exist are done at once. After SIGKILL it waits briefly for the kernel
    /// to finish the members off, so that on return nothing of the groups still runs.
    public static func killGroups(_ pgids: [pid_t], grace: Duration = .seconds(5)) {
        var alive = pgids.filter { $0 > 0 && !(kill(-$0, SIGTERM) != 0 && errno == ESRCH) }
        let deadline = ContinuousClock.now + grace
        while !alive.isEmpty {
            alive = alive.filter(isGroupAlive)
            guard !alive.isEmpty else { return }
            guard ContinuousClock.now < deadline else {
                for pgid in alive { kill(-pgid, SIGKILL) }
                let settle = ContinuousClock.now + .seconds(1)
                while alive.contains(where: isGroupAlive), ContinuousClock.now < settle {
                    MonotonicClock.sleep(.milliseconds(10))
                }
                return
            }
            MonotonicClock.sleep(pollInterval)
        }
    }

    /// Whether any process of the group is still running.
    ///
    /// `kill(-pgid, 0)` failing with ESRCH is the answer where the system reaps orphans
    /// promptly. Zombies still count for `kill`, though, and in containers whose PID 1 never
    /// reaps, a killed grandchild stays a zombie forever; so when `kill` says the group exists,
    /// `/proc` decides whether a member is anything but a zombie. Without `/proc` the group
    /// counts as alive.
    public static func isGroupAlive(_ pgid: pid_t) -> Bool {
        if kill(-pgid, 0) != 0 && errno == ESRCH { return false }
        #if os(Linux)
        return procHasLiveMember(of: pgid) ?? true
        #else
        return true
        #endif
    }

    /// Whether `/proc` lists a non-zombie process in the group; nil when `/proc` is unreadable.
    static func procHasLiveMember(of pgid: pid_t) -> Bool? {
        guard let directory = opendir("/proc") else { return nil }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw -> pid_t? in
                var value: pid_t = 0
                for byte in raw {
                    if byte == 0 { break }
                    guard byte >= 0x30, byte <= 0x39 else { return nil }
                    value = value &* 10 &+ pid_t(byte - 0x30)
                }
                return value > 0 ? value : nil
            }
            guard let pid, let (state, group) = processStateAndGroup(pid) else { continue }
            if group == pgid && state != UInt8(ascii: "Z") && state != UInt8(ascii: "X") { return true }
        }
        return false
    }

    /// The state letter and process group of `/proc/{pid}/stat` (`pid (comm) S ppid pgrp …`).
    static func processStateAndGroup(_ pid: pid_t) -> (UInt8, pid_t)? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        // The command name may contain spaces and parentheses; the fields start after the last `)`.
        guard let close = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 1)..<count].split(separator: UInt8(ascii: " "), maxSplits: 4)
        guard fields.count >= 3, let state = fields[0].first,
              let group = pid_t(String(decoding: fields[2], as: UTF8.self))
        else { return nil }
        return (state, group)
    }
}
