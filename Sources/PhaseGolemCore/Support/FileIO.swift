import CSystemShims
#if canImport(Glibc)
import Glibc
#endif

/// Thin, explicit POSIX file operations.
///
/// The store's durability rules (docs/store-format.md#concurrent-writers) need fsync before rename and O_APPEND writes;
/// Foundation's `Data.write(options: .atomic)` promises neither, so these go to the system.
public enum FileIO {
    /// A failed system call, phrased for an operator: what failed, why, and (when the cause is
    /// the machine's, not the program's) what to do about it.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// `Failed to {action} {path}: {strerror}`.
        public let summary: String
        public let errno: Int32

        public init(description: String, errno: Int32) {
            self.summary = description
            self.errno = errno
        }

        public var description: String {
            remedy.isEmpty ? summary : summary + ". " + remedy
        }

        /// The operator's fix for causes outside the program; empty for the others.
        public var remedy: String {
            switch errno {
            case ENOSPC: "Free some space on that file system, then run again"
            case EDQUOT: "Your disk quota is used up: free some space or raise the quota, then run again"
            case EIO: "The device reported an I/O error: check the disk (`dmesg`), then run again"
            case EROFS: "The file system is read-only: remount it read-write, then run again"
            case EACCES, EPERM: "Check the permissions of that path, then run again"
            default: ""
            }
        }
    }

    static func failure(_ action: String, _ path: String, _ code: Int32 = errno) -> Failure {
        Failure(description: "Failed to \(action) \(path): \(String(cString: strerror(code)))", errno: code)
    }

    /// Reads a whole file; nil when it does not exist.
    public static func read(_ path: String) throws(Failure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("read", path)
        }
        defer { close(fd) }
        return try read(descriptor: fd, path: path)
    }

    /// Reads an open file from its current offset to the end; `path` only names it in errors.
    public static func read(descriptor fd: Int32, path: String) throws(Failure) -> [UInt8] {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("read", path) }
        // Size + 1 so that reaching EOF takes one extra read, not a regrow; the buffer is
        // never zero-filled (a 100 MB store would otherwise be written twice).
        // Files under /proc report size 0 however much they hold: start those at a page.
        var capacity = info.st_size > 0 ? Int(info.st_size) + 1 : 4096
        var buffer: [UInt8] = []
        var count = 0
        while true {
            if count == capacity || buffer.isEmpty {
                if !buffer.isEmpty { capacity *= 2 }
                var grown = [UInt8](unsafeUninitializedCapacity: capacity) { storage, initialized in
                    if let base = storage.baseAddress, count > 0 {
                        buffer.withUnsafeBufferPointer { old in
                            if let source = old.baseAddress { base.update(from: source, count: count) }
                        }
                    }
                    initialized = capacity
                }
                swap(&buffer, &grown)
            }
            let got = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress.map { $0 + count }, capacity - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if got == 0 { break }
            count += got
        }
        buffer.removeLast(buffer.count - count)
        return buffer
    }

    /// Reads a whole file as UTF-8 text; nil when it does not exist.
    public static func readText(_ path: String) throws(Failure) -> String? {
        guard let bytes = try read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether a path exists (any kind of file).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether a path is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a directory and its parents; an existing directory is fine.
    public static func makeDirectories(_ path: String) throws(Failure) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if !isDirectory(prefix), mkdir(prefix, 0o777) != 0, errno != EEXIST {
                throw failure("create directory", prefix)
            }
            prefix += "/"
        }
    }

    /// Writes `chunks` to `path` atomically: a temp file beside it, fsync, rename.
    ///
    /// A crash at any instant leaves either the old or the new file, never a mix. The temp
    /// file takes the old file's permission bits so a rewrite does not change them. Without
    /// `durable` the fsync is skipped: readers still only ever see a whole file, but a power
    /// loss may leave the old one (for files that can be rebuilt, such as a run's summary).
    public static func writeAtomically(_ path: String, chunks: [[UInt8]], durable: Bool = true) throws(Failure) {
        try writeAtomically(path, slices: chunks.map { $0[...] }, durable: durable)
    }

    /// `writeAtomically` for slices, so a rewrite can pass the untouched parts of the bytes it read without copying them.
    public static func writeAtomically(_ path: String, slices chunks: [ArraySlice<UInt8>], durable: Bool = true) throws(Failure) {
        let directory = parentDirectory(of: path)
        var template = Array((directory + "/.tmpXXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return pg_mkstemp_cloexec(base)
        }
        guard fd >= 0 else { throw failure("create a temporary file in", directory) }
        let tempPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var succeeded = false
        defer {
            if !succeeded {
                close(fd)
                unlink(tempPath)
            }
        }
        var info = stat()
        if stat(path, &info) == 0 {
            fchmod(fd, info.st_mode & 0o7777)
        } else {
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
        }
        // Failures name the file being replaced, which the operator knows; the temp file is removed.
        for chunk in chunks {
            try writeAll(fd, chunk, path: path)
        }
        guard !durable || fsync(fd) == 0 else { throw failure("fsync", path) }
        guard close(fd) == 0 else {
            succeeded = true
            unlink(tempPath)
            throw failure("close", tempPath)
        }
        succeeded = true
        guard rename(tempPath, path) == 0 else {
            let code = errno
            unlink(tempPath)
            throw failure("rename a temporary file over", path, code)
        }
    }

    /// Appends bytes with O_APPEND; with `durable` (store files) also fsyncs them.
    public static func append(_ path: String, _ bytes: [UInt8], create: Bool = true, durable: Bool = true) throws(Failure) {
        let flags = O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = open(path, flags, 0o666)
        guard fd >= 0 else { throw failure("open for appending", path) }
        defer { close(fd) }
        try writeAll(fd, bytes, path: path)
        if durable {
            guard fsync(fd) == 0 else { throw failure("fsync", path) }
        }
    }

    /// The size of a file in bytes; nil when it does not exist.
    public static func length(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// Cuts a file back to `size` bytes, or removes it when `size` is nil (it did not exist).
    public static func restoreLength(_ path: String, _ size: Int?) throws(Failure) {
        if let size {
            guard truncate(path, off_t(size)) == 0 else { throw failure("truncate", path) }
        } else {
            guard unlink(path) == 0 || errno == ENOENT else { throw failure("remove", path) }
        }
    }

    /// Writes every byte, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(Failure) {
        try writeAll(fd, bytes[...], path: path)
    }

    /// Writes every byte of a slice, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                WriteFaults.write(fd, raw.baseAddress.map { $0 + offset }, bytes.count - offset, path: path)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            offset += written
        }
    }

    /// The last byte of a file, nil when it is empty or missing.
    public static func lastByte(_ path: String) -> UInt8? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard lseek(fd, -1, SEEK_END) >= 0 else { return nil }
        var byte: UInt8 = 0
        return Glibc.read(fd, &byte, 1) == 1 ? byte : nil
    }

    /// The directory part of a path ("." when there is none).
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Joins path components with single slashes.
    public static func join(_ base: String, _ component: String) -> String {
        if component.hasPrefix("/") || base.isEmpty { return component }
        return base.hasSuffix("/") ? base + component : base + "/" + component
    }
}
