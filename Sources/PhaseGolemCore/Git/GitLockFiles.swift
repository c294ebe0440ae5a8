#if canImport(Glibc)
import Glibc
#endif

/// The lock files a git process holds while it writes, and leaves behind when it is killed.
///
/// A stale `index.lock` or ref lock makes every later `git add` and `git commit` fail, so a run
/// must notice one before it does any work.
public struct GitLockFiles: Sendable {
    /// The repository's (or linked worktree's) own git directory: index, HEAD.
    public let gitDirectory: String
    /// Where refs and config live: the same directory, except in a linked worktree.
    public let commonDirectory: String

    public init(gitDirectory: String, commonDirectory: String? = nil) {
        self.gitDirectory = gitDirectory
        self.commonDirectory = commonDirectory ?? gitDirectory
    }

    static let ownNames = ["index.lock", "HEAD.lock", "ORIG_HEAD.lock"]
    static let commonNames = ["packed-refs.lock", "config.lock"]

    /// The lock files present now, as paths.
    public func present() -> [String] {
        var found = Self.ownNames.map { FileIO.join(gitDirectory, $0) }.filter(FileIO.isRegularFile)
        found += Self.commonNames.map { FileIO.join(commonDirectory, $0) }.filter(FileIO.isRegularFile)
        collectRefLocks(in: FileIO.join(commonDirectory, "refs"), depth: 0, into: &found)
        return found
    }

    private func collectRefLocks(in directory: String, depth: Int, into found: inout [String]) {
        // Ref names nest, but not without bound; a cycle of links must not hang startup.
        guard depth < 16 else { return }
        for name in (try? FileIO.entryNames(directory)) ?? [] {
            let path = FileIO.join(directory, name)
            if name.hasSuffix(".lock"), FileIO.isRegularFile(path) {
                found.append(path)
            } else if FileIO.isDirectory(path) {
                collectRefLocks(in: path, depth: depth + 1, into: &found)
            }
        }
    }

    /// Whether a `git` process is running with its working directory inside one of `directories`
    /// (the project, and the work tree that owns the shared git directory).
    ///
    /// Reads `/proc`; where there is none the answer is yes, the safe side, since a lock that
    /// might be live must not be removed.
    public static func gitProcessRunning(in directories: [String]) -> Bool {
        #if os(Linux)
        let resolved = directories.compactMap(FileIO.realPath)
        guard !resolved.isEmpty, let names = try? FileIO.entryNames("/proc") else { return true }
        for name in names where name.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let comm = try? FileIO.readText("/proc/\(name)/comm"), comm.trimmed() == "git" else { continue }
            guard let cwd = readLink("/proc/\(name)/cwd") else { continue }
            if resolved.contains(where: { cwd == $0 || cwd.hasPrefix($0 == "/" ? "/" : $0 + "/") }) { return true }
        }
        return false
        #else
        return true
        #endif
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: pointer.count) { readlink(path, $0, pointer.count) }
            } ?? -1
        }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
