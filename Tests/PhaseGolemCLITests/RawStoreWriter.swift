import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A second, independent writer of `tasks.jsonl` that follows docs/store-format.md#concurrent-writers step by step and
/// edits item lines as plain text, the way another tool sharing the store would.
///
/// It shares no code with `TaskStore` (no parser, no serializer, no lock type), so a fault in
/// ours cannot hide itself here: flock on `tasks.lock`, re-read inside the lock, change lines,
/// write a `.tmpXXXXXX` file in `.task-golem/`, fsync, rename, unlock.
struct RawStoreWriter: Sendable {
    /// `{root}/.task-golem`.
    let directory: String

    init(root: String) {
        directory = root + "/.task-golem"
    }

    static let header = #"{"schema_version":1}"#

    /// What went wrong, with the path involved.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The lock stayed busy for 5 s: nothing was written.
        var isLockTimeout = false
        init(_ description: String, isLockTimeout: Bool = false) {
            self.description = description
            self.isLockTimeout = isLockTimeout
        }
    }

    /// Runs `edit` on the item lines (no header, no newlines) while holding the lock, then
    /// replaces the file with the result.
    func transaction(_ edit: (inout [String]) throws -> Void) throws {
        let lockPath = directory + "/tasks.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw Failure("cannot open \(lockPath): errno \(errno)") }
        defer { close(fd) }
        try Self.lock(fd, path: lockPath)
        defer { flock(fd, LOCK_UN) }

        // Step 2: re-read inside the lock; a snapshot from before it could be stale.
        let activePath = directory + "/tasks.jsonl"
        let text = try Self.readAll(activePath)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == Self.header, lines.last == "" else {
            throw Failure("\(activePath) does not start with the header or end with a newline")
        }
        lines.removeFirst()
        lines.removeLast()
        try edit(&lines)
        let output = ([Self.header] + lines).map { $0 + "\n" }.joined()
        try Self.replace(activePath, in: directory, with: Array(output.utf8))
    }

    /// task-golem's polling: non-blocking attempts, 10 ms doubling to 500 ms plus 0–50% jitter, 5 s in all.
    private static func lock(_ fd: Int32, path: String) throws {
        let start = Date()
        var delay = 0.010
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw Failure("flock \(path): errno \(errno)") }
            if Date().timeIntervalSince(start) >= 5 { throw Failure("Lock timeout after 5s on \(path)", isLockTimeout: true) }
            usleep(UInt32(delay * (1 + Double.random(in: 0...0.5)) * 1_000_000))
            delay = min(delay * 2, 0.5)
        }
    }

    private static func readAll(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure("cannot read \(path): errno \(errno)")
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Steps 4–7: a 0600 temp file beside the target (as tg's tempfile makes it), fsync, rename.
    private static func replace(_ path: String, in directory: String, with bytes: [UInt8]) throws {
        var template = Array((directory + "/.tmpXXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw Failure("cannot create a temp file in \(directory): errno \(errno)") }
        let tempPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                close(fd)
                unlink(tempPath)
                throw Failure("cannot write \(tempPath): errno \(errno)")
            }
            written += count
        }
        guard fsync(fd) == 0, close(fd) == 0 else {
            unlink(tempPath)
            throw Failure("cannot fsync or close \(tempPath): errno \(errno)")
        }
        guard rename(tempPath, path) == 0 else {
            unlink(tempPath)
            throw Failure("cannot rename \(tempPath) over \(path): errno \(errno)")
        }
    }

    // MARK: Line edits, as text

    /// The id of an item line: task-golem writes `id` as the first key.
    static func id(of line: String) -> Substring? {
        let prefix = #"{"id":""#
        guard line.hasPrefix(prefix) else { return nil }
        let rest = line.dropFirst(prefix.count)
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return rest[..<end]
    }

    /// Inserts `line` where its id keeps the lines sorted by id bytes; fails on a duplicate id.
    static func insertSorted(_ line: String, into lines: inout [String]) throws {
        guard let newID = id(of: line) else { throw Failure("no id in \(line)") }
        var position = lines.endIndex
        for (index, existing) in lines.enumerated() {
            guard let existingID = id(of: existing) else { throw Failure("no id at the start of: \(existing.prefix(80))") }
            if existingID == newID { throw Failure("id \(newID) is already in the store") }
            if newID.utf8.lexicographicallyPrecedes(existingID.utf8) {
                position = index
                break
            }
        }
        lines.insert(line, at: position)
    }

    /// Replaces the title of the item `id` in place; `title` must need no JSON escaping.
    static func setTitle(_ title: String, of id: String, in lines: inout [String]) throws {
        guard title.allSatisfy({ $0.isASCII && $0 != "\"" && $0 != "\\" && !$0.isNewline }) else {
            throw Failure("title needs escaping: \(title)")
        }
        guard let index = lines.firstIndex(where: { self.id(of: $0) == id[...] }) else {
            throw Failure("item \(id) not in the store")
        }
        let line = lines[index]
        let key = #","title":""#
        guard let keyRange = line.range(of: key) else { throw Failure("no title in \(line.prefix(80))") }
        // The closing quote is the first one not escaped by a backslash.
        var cursor = keyRange.upperBound
        var escaped = false
        while cursor < line.endIndex {
            let character = line[cursor]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            }
            cursor = line.index(after: cursor)
        }
        guard cursor < line.endIndex else { throw Failure("unterminated title in \(line.prefix(80))") }
        lines[index] = String(line[..<keyRange.upperBound]) + title + String(line[cursor...])
    }

    /// A task-golem 0.1 item line, with the keys in task-golem's order.
    static func newItemLine(id: String, title: String) -> String {
        #"{"id":"\#(id)","title":"\#(title)","status":"todo","priority":0,"description":null,"tags":[],"dependencies":[],"#
            + #""created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","blocked_reason":null,"#
            + #""blocked_from_status":null,"claimed_by":null,"claimed_at":null}"#
    }
}
