#if canImport(Glibc)
import Glibc
#endif

/// Where a demo project lives, and how much of it `phase-golem demo --no-keep` may delete.
///
/// The rule is that the demo only deletes what it created: a folder it made goes entirely, a
/// folder the user named that existed empty is emptied but kept, and one that already held
/// files is never touched.
public struct DemoFolder: Sendable, Equatable {
    public let path: String
    public let ownership: Ownership
    /// For a created folder, the outermost folder the demo creates with it (`--dir a/b/c` when
    /// only `a` existed: `a/b`), so no empty parents are left behind; otherwise `path`.
    public let outermostCreated: String

    /// What existed at `path` before the demo wrote anything.
    public enum Ownership: Sendable, Equatable {
        /// The demo created the folder (a new temporary folder, or a `--dir` that did not exist).
        case created
        /// The folder existed and was empty: its contents are the demo's, the folder is not.
        case existedEmpty
        /// Something was already there: nothing may be deleted.
        case existedWithFiles
    }

    /// What `--no-keep` did at the end of the demo.
    public enum Removal: Sendable, Equatable {
        case removed
        case emptied
        case keptPreexisting
    }

    public init(path: String, ownership: Ownership, outermostCreated: String? = nil) {
        self.path = path
        self.ownership = ownership
        self.outermostCreated = outermostCreated ?? path
    }

    /// Looks at a `--dir` before the demo writes anything. A path that is not a readable
    /// directory (a file, say) counts as holding files, so it is never deleted.
    public static func survey(_ path: String) -> DemoFolder {
        // lstat: a symbolic link, even a dangling one, is the user's and counts as existing.
        func exists(_ path: String) -> Bool {
            var info = stat()
            return lstat(path, &info) == 0
        }
        guard exists(path) else {
            var outermost = path
            while case let parent = FileIO.parentDirectory(of: outermost), parent != outermost, parent != ".",
                  parent != "/", !exists(parent) {
                outermost = parent
            }
            return DemoFolder(path: path, ownership: .created, outermostCreated: outermost)
        }
        guard FileIO.isDirectory(path), let entries = try? FileIO.entryNames(path), entries.isEmpty else {
            return DemoFolder(path: path, ownership: .existedWithFiles)
        }
        return DemoFolder(path: path, ownership: .existedEmpty)
    }

    /// Deletes what the demo created, and says what that was.
    public func removeDemoFiles() throws(FileIO.Failure) -> Removal {
        switch ownership {
        case .created:
            try FileIO.removeTree(outermostCreated)
            return .removed
        case .existedEmpty:
            try FileIO.removeContents(path)
            return .emptied
        case .existedWithFiles:
            return .keptPreexisting
        }
    }
}
