#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ProcessGroupRegistry {
    /// `.phase-golem/agent-groups`: the agents' process groups while a run has them running.
    public static func recordPath(root: String) -> String {
        FileIO.join(RuntimeLock.directory(root: root), "agent-groups")
    }

    /// Rewrites the record file: one `pgid starttime` line per group, no file when none run.
    ///
    /// Called with the registry's lock held so writes land in order. No fsync: the file only
    /// has to outlive this process, not the machine, whose crash ends the agents too.
    func record(_ groups: Set<pid_t>) {
        guard let recordPath else { return }
        guard !groups.isEmpty else {
            unlink(recordPath)
            return
        }
        let text = groups.sorted().map { "\($0) \(Self.startTime($0) ?? 0)\n" }.joined()
        let fd = open(recordPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        try? FileIO.writeAll(fd, Array(text.utf8), path: recordPath)
    }

    /// Stops the agent groups a killed run left running, as recorded in `path`, and removes the
    /// file. Returns the groups it stopped.
    ///
    /// A group counts only while its leader is the very process recorded (same start time), or,
    /// with the leader gone, while every member started after it did: a recycled process id
    /// never gets signalled.
    public static func stopLeftovers(recordedAt path: String, grace: Duration = .seconds(5)) -> [pid_t] {
        let text = ((try? FileIO.readText(path)) ?? nil) ?? ""
        unlink(path)
        var stopped: [pid_t] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let pgid = pid_t(fields[0]), pgid > 1, let start = UInt64(fields[1]), start > 0,
                  isRecordedGroup(pgid, startedAt: start) else { continue }
            killGroup(pgid, grace: grace)
            stopped.append(pgid)
        }
        return stopped
    }

    /// Stops the process groups of processes whose environment names this project as
    /// `PHASE_GOLEM_ROOT`: agents of a killed run, and whatever they started, even ones the
    /// record missed (spawned the instant before the kill) or that left the agent's group.
    ///
    /// Only for a run that found its predecessor dead: it holds the runtime lock and has
    /// started no agent yet, so every such process belongs to the dead run. Linux only; reads
    /// the environments it is allowed to read.
    public static func stopLeftoverAgents(root: String, grace: Duration = .seconds(5)) -> [pid_t] {
        #if os(Linux)
        let wanted = Set(rootSpellings(root).map { Array(("PHASE_GOLEM_ROOT=" + $0).utf8) })
        let me = getpid()
        var groups: Set<pid_t> = []
        for name in (try? FileIO.entryNames("/proc")) ?? [] {
            guard let pid = pid_t(name), pid != me, let (state, group) = processStateAndGroup(pid),
                  state != UInt8(ascii: "Z"), group > 1, group != getpgrp(),
                  let environment = try? FileIO.read("/proc/\(pid)/environ") else { continue }
            if environment.split(separator: 0).contains(where: { wanted.contains(Array($0)) }) { groups.insert(group) }
        }
        for group in groups.sorted() { killGroup(group, grace: grace) }
        return groups.sorted()
        #else
        return []
        #endif
    }

    /// The ways an agent's `PHASE_GOLEM_ROOT` can spell this root: as given (made absolute) and resolved.
    static func rootSpellings(_ root: String) -> Set<String> {
        var spellings: Set<String> = [AgentCommand.absolute(root, relativeTo: ".")]
        if let resolved = realpath(root, nil) {
            spellings.insert(String(cString: resolved))
            free(resolved)
        }
        return spellings
    }

    static func isRecordedGroup(_ pgid: pid_t, startedAt start: UInt64) -> Bool {
        guard isGroupAlive(pgid) else { return false }
        #if os(Linux)
        if let leaderStart = startTime(pgid) { return leaderStart == start }
        let members = ((try? FileIO.entryNames("/proc")) ?? []).compactMap { pid_t($0) }
            .filter { processStateAndGroup($0)?.1 == pgid }
        return !members.isEmpty && members.allSatisfy { (startTime($0) ?? 0) >= start }
        #else
        return false
        #endif
    }

    /// Field 22 of `/proc/{pid}/stat`: when the process started, in clock ticks since boot.
    static func startTime(_ pid: pid_t) -> UInt64? {
        guard let bytes = try? FileIO.read("/proc/\(pid)/stat"),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // After the command name, field 3 (state) is the first; field 22 is the twentieth.
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        guard fields.count > 19 else { return nil }
        return UInt64(String(decoding: fields[19], as: UTF8.self))
    }
}
