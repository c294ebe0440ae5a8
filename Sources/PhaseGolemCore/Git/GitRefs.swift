/// Reads HEAD from the repository files, without a git process.
struct GitRefs {
    let root: String

    /// The full SHA of HEAD, or nil when the layout is not the plain one this reader knows
    /// (linked worktrees, detached HEAD in odd states, missing refs): callers then ask git.
    func headSHA() -> String? {
        guard let gitDirectory = gitDirectory(),
              let head = read(FileIO.join(gitDirectory, "HEAD")) else { return nil }
        if !head.hasPrefix("ref: ") { return Self.validSHA(head) }
        let ref = String(head.dropFirst(5))
        guard !ref.contains(".."), ref.hasPrefix("refs/") else { return nil }
        if FileIO.exists(FileIO.join(gitDirectory, "commondir")) { return nil }
        if let loose = read(FileIO.join(gitDirectory, ref)) { return Self.validSHA(loose) }
        guard let packed = read(FileIO.join(gitDirectory, "packed-refs")) else { return nil }
        for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
            return Self.validSHA(String(line.prefix(while: { $0 != " " })))
        }
        return nil
    }

    private func gitDirectory() -> String? {
        let dotGit = FileIO.join(root, ".git")
        if FileIO.isDirectory(dotGit) { return dotGit }
        return nil
    }

    private func read(_ path: String) -> String? {
        guard let text = (try? FileIO.readText(path)) ?? nil else { return nil }
        return text.trimmed()
    }

    private static func validSHA(_ text: String) -> String? {
        let isHex = text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
        return (text.utf8.count == 40 || text.utf8.count == 64) && isHex ? text : nil
    }
}
