import Foundation

/// The process table, read from `/proc`.
enum ProcTable {
    struct Entry {
        var pid: pid_t
        var parent: pid_t
        var group: pid_t
        var command: String
        var state: Character

        /// Neither a zombie nor dead: it can still do something.
        var isLive: Bool { state != "Z" && state != "X" }
    }

    static func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name -> Entry? in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, let state = fields[0].first, let parent = pid_t(fields[1]), let group = pid_t(fields[2]) else { return nil }
            return Entry(pid: pid, parent: parent, group: group, command: String(stat[stat.index(after: open)..<close]), state: state)
        }
    }

    static func descendants(of pid: pid_t) -> [Entry] {
        let all = entries()
        var found: [Entry] = []
        var frontier: Set<pid_t> = [pid]
        while !frontier.isEmpty {
            let next = all.filter { frontier.contains($0.parent) && $0.state != "Z" }
            found += next
            frontier = Set(next.map(\.pid))
        }
        return found
    }

    static func isAlive(_ pid: pid_t) -> Bool {
        entries().contains { $0.pid == pid && $0.isLive }
    }

    /// The live (not zombie) members of process group `group`.
    static func liveMembers(ofGroup group: pid_t) -> [Entry] {
        entries().filter { $0.group == group && $0.isLive }
    }

    /// Live processes whose command line contains `marker` (a stubborn child's `$0`).
    static func liveProcesses(marked marker: String) -> [Entry] {
        entries().filter { entry in
            guard entry.isLive, let cmdline = FileManager.default.contents(atPath: "/proc/\(entry.pid)/cmdline") else { return false }
            return String(decoding: cmdline.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(marker)
        }
    }

    /// Live processes whose working directory is `root` or below it (a run, its agents, a CLI
    /// writer started there).
    static func liveProcesses(workingIn root: String) -> [Entry] {
        let resolved = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        return entries().filter { entry in
            guard entry.isLive, let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry.pid)/cwd") else { return false }
            return cwd == resolved || cwd.hasPrefix(resolved + "/")
        }
    }

    /// SIGKILLs `survivors` (and their groups) so a failing test leaves nothing running; returns
    /// them as text for the failure message.
    @discardableResult
    static func kill(_ survivors: [Entry]) -> [String] {
        for survivor in survivors {
            Foundation.kill(survivor.pid, SIGKILL)
        }
        return survivors.map { "\($0.pid) (group \($0.group), \($0.command), state \($0.state))" }
    }
}
