#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileIO {
    /// Deletes `path` and, for a directory, everything in it. Symbolic links are removed, never
    /// followed, so a link inside the tree cannot lead the deletion outside it.
    public static func removeTree(_ path: String) throws(Failure) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw failure("remove", path)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            try removeContents(path)
            guard rmdir(path) == 0 || errno == ENOENT else { throw failure("remove", path) }
        } else {
            guard unlink(path) == 0 || errno == ENOENT else { throw failure("remove", path) }
        }
    }

    /// Deletes everything inside the directory `path`, keeping the directory itself.
    public static func removeContents(_ path: String) throws(Failure) {
        for name in try entryNames(path) {
            try removeTree(join(path, name))
        }
    }
}
