#if canImport(Glibc)
import Glibc
#endif

/// The per-item folder under `changes/` where agents put their artifacts (docs/compatibility.md#running-one-phase, docs/compatibility.md#the-coordinator-and-commits).
public enum ChangeFolder {
    /// A file-name-safe form of a title: `Add Login (v2)!` → `add-login-v2`.
    ///
    /// Only ASCII letters and digits survive; everything else, including non-ASCII letters,
    /// becomes a single `-`, so the result is the same on every file system.
    public static func slug(_ title: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(title.utf8.count)
        for byte in title.lowercased().utf8 {
            let isAlphanumeric = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            if isAlphanumeric {
                bytes.append(byte)
            } else if let last = bytes.last, last != 0x2D {
                // Collapsing here also trims the leading run: nothing is appended to an empty slug.
                bytes.append(0x2D)
            }
        }
        if bytes.last == 0x2D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The item's change folder: an existing `{root}/changes/{item_id}_…` directory, else a new
    /// `{root}/changes/{item_id}_{slug}` (parents created).
    ///
    /// An existing folder wins even if the title has changed since, so artifacts stay together.
    /// Names are compared in sorted order, where the original took directory-listing order,
    /// so the choice among several candidates does not depend on the file system.
    public static func resolve(root: String, itemID: String, title: String) throws(FileIO.Failure) -> String {
        let changes = FileIO.join(root, "changes")
        let prefix = itemID + "_"
        for name in try FileIO.entryNames(changes).sorted() where name.hasPrefix(prefix) {
            let path = FileIO.join(changes, name)
            if FileIO.isDirectory(path) { return path }
        }
        let path = FileIO.join(changes, prefix + slug(title))
        try FileIO.makeDirectories(path)
        return path
    }
}
