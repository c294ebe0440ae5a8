#if canImport(Glibc)
import Glibc
#endif

extension ProcessGroupRegistry {
    /// Stops the process groups of processes whose environment names this project as
    /// `PHASE_GOLEM_ROOT`: the agents of a killed run, and whatever they started, even a process
    /// that left the agent's group. Returns the groups it stopped.
    ///
    /// Only for a run that found its predecessor dead: it holds the runtime lock and has started
    /// no agent yet, so every such process belongs to the dead run; and a recycled PID cannot
    /// match, since the environment is the process's own. Linux only (`/proc`); it reads the
    /// environments it is allowed to read, which includes every agent this user started.
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
        killGroups(groups.sorted(), grace: grace)
        return groups.sorted()
        #else
        return []
        #endif
    }

    /// The ways an agent's `PHASE_GOLEM_ROOT` can spell this root: as given (made absolute) and resolved.
    static func rootSpellings(_ root: String) -> Set<String> {
        var spellings: Set<String> = [AgentCommand.absolute(root, relativeTo: ".")]
        if let resolved = FileIO.realPath(root) { spellings.insert(resolved) }
        return spellings
    }
}
