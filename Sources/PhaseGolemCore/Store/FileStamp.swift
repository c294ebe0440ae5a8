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

    /// The stamp of an open file.
    init?(descriptor fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        self.init(info)
    }

    private init(_ info: stat) {
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
    /// Keeps the cached version's inode allocated (see `FilePin`).
    var pin: FilePin

    init(pin: FilePin, stamp: FileStamp, contents: StoreFileFormat.Contents) {
        self.pin = pin
        self.stamp = stamp
        self.contents = contents
    }
}

/// An open descriptor on one version of a file, held for as long as a cache describes it.
///
/// A file replaced by rename frees its inode, and ext4 hands a freed inode number to the
/// very next file it creates (the next writer's temp file, nine times in ten). That file can
/// have the same size and, where timestamps are coarse (1 s on 128-byte-inode ext4, 2 s on
/// FAT, a clock tick on older kernels), the same mtime: an equal stamp for different contents,
/// and a read-modify-write on the stale parse would silently drop that writer's change. While
/// this descriptor is open the inode stays allocated, so an equal (device, inode) really is
/// the same file.
final class FilePin: Sendable {
    let descriptor: Int32

    /// Opens `path` read-only; nil when it does not exist or cannot be opened.
    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        descriptor = fd
    }

    deinit {
        close(descriptor)
    }

    /// The stamp of the pinned version, however the path has changed since.
    var stamp: FileStamp? {
        FileStamp(descriptor: descriptor)
    }
}
