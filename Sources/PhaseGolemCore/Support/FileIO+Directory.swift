#if canImport(Glibc)
import Glibc
#endif

extension FileIO {
    /// The names in a directory, without `.` and `..`; empty when it does not exist.
    public static func entryNames(_ path: String) throws(Failure) -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw failure("read directory", path)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// The last `maxBytes` of a file (all of it when smaller); nil when it cannot be read.
    public static func readTail(_ path: String, maxBytes: Int) -> (bytes: [UInt8], isWholeFile: Bool)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        let count = min(size, maxBytes)
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress.map { $0 + done }, count - done, off_t(size - count + done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return (bytes, count == size)
    }

    /// Whether a path is a regular file (not a directory, link or device).
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The path with symbolic links, `.` and `..` resolved; nil when it does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

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
