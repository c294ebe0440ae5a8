#if canImport(Glibc)
import Glibc
#endif

/// Identifies one version of a file: device, inode, size and modification time.
///
/// `tasks.jsonl` only changes by rename (a new inode) or, for foreign writers, by a rewrite
/// that moves its mtime, so an unchanged stamp means unchanged contents and a cached parse
/// can be reused instead of reading a large store again.
public struct FileStamp: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let seconds: Int
    let nanoseconds: Int

    /// The stamp of `path`, or nil when it does not exist.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        seconds = info.st_mtim.tv_sec
        nanoseconds = info.st_mtim.tv_nsec
    }
}

/// The parsed active file together with the stamp it was read at.
public struct CachedContents: Sendable {
    public var stamp: FileStamp
    public var contents: StoreFileFormat.Contents
}
