import Foundation
import Testing
@testable import PhaseGolemCore

/// Locates the test fixtures kept in the repository (`Tests/Fixtures`, see its README for their sources).
enum Fixtures {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The repository root: the nearest ancestor of this file that holds `Package.swift`.
    static var repositoryRoot: String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// `{repo root}/Tests/Fixtures`, or an error that says where it was looked for.
    static func root() throws -> String {
        let path = repositoryRoot + "/Tests/Fixtures"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Missing(description: "Fixtures not found at \(path): the repository's Tests/Fixtures folder is missing; "
                + "restore it with `git checkout -- Tests/Fixtures`")
        }
        return path
    }

    /// The absolute path of a fixture file, failing clearly when it is missing.
    static func path(_ relative: String) throws -> String {
        let path = try root() + "/" + relative
        guard FileManager.default.fileExists(atPath: path) else {
            throw Missing(description: "Fixture file missing: \(path)")
        }
        return path
    }

    /// The bytes of a fixture file.
    static func bytes(_ relative: String) throws -> [UInt8] {
        let path = try path(relative)
        guard let bytes = try FileIO.read(path) else { throw Missing(description: "Fixture file missing: \(path)") }
        return bytes
    }

    static let phaseGolemStore = "phase-golem-store/.task-golem"
    static let taskGolemStore = "task-golem-0.3-store/.task-golem"

    /// The eleven `tasks.jsonl` snapshots of phase-golem's history.
    static let historyFiles = [
        "2a05973", "512884b", "5a558a0", "6058f0f", "676dfa3", "68ee27e",
        "79d91b5", "962ebd7", "9a6b1ad", "b897ea9", "db6e7ef",
    ].map { "phase-golem-store-history/pg-tasks-\($0).jsonl" }

    /// Every active (`tasks.jsonl`-shaped, sorted) fixture file.
    static let activeFiles = historyFiles + [
        "\(phaseGolemStore)/tasks.jsonl",
        "\(taskGolemStore)/tasks.jsonl",
    ]

    /// The archive files, in append order.
    static let archiveFiles = [
        "\(phaseGolemStore)/archive.jsonl",
        "\(taskGolemStore)/archive.jsonl",
    ]

    /// Every store `.jsonl` under the fixtures directory, found by walking it (relative paths, sorted).
    static func enumerateJSONL() throws -> [String] {
        let root = try root()
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw Missing(description: "Cannot list \(root)")
        }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            // Agent event streams (claude-stream-json/, codex-exec-json/) are .jsonl too; a
            // store file is told apart by its schema header.
            if relative.hasSuffix(".jsonl"), try bytes(relative).starts(with: Array(#"{"schema_version""#.utf8)) {
                found.append(relative)
            }
        }
        return found.sorted()
    }
}

/// The lines of a file's bytes, split on `\n`, without the final empty piece after the last newline.
func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// A fixed instant for APIs that take `now:`.
let fixedNow = Timestamp(seconds: 1_800_000_000, nanoseconds: 123_000_000)

/// A unique scratch directory under `/tmp`, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = "pg-tests") throws {
        var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard created else { throw Fixtures.Missing(description: "mkdtemp failed for /tmp/\(label)") }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ relative: String) -> String { path + "/" + relative }
}

/// A throw-away project with a `.task-golem/` store.
final class TemporaryStore {
    let directory: TemporaryDirectory
    let store: TaskStore

    /// Creates `.task-golem/`, optionally seeded with a fixture store's files (copied, so writable).
    init(copying fixtureStore: String? = nil, lockPolicy: StoreLock.Policy = .taskGolem) throws {
        directory = try TemporaryDirectory("pg-store")
        let storeDirectory = directory.file(".task-golem")
        try FileManager.default.createDirectory(atPath: storeDirectory, withIntermediateDirectories: false)
        if let fixtureStore {
            for name in ["tasks.jsonl", "archive.jsonl"] {
                let bytes = try Fixtures.bytes("\(fixtureStore)/\(name)")
                try Data(bytes).write(to: URL(fileURLWithPath: storeDirectory + "/" + name))
            }
        }
        store = TaskStore(root: directory.path, lockPolicy: lockPolicy)
    }

    var activePath: String { store.activePath }
    var archivePath: String { store.archivePath }

    func write(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func write(_ path: String, _ string: String) throws {
        try write(path, utf8(string))
    }

    func read(_ path: String) throws -> [UInt8] {
        try #require(try FileIO.read(path), "expected \(path) to exist")
    }
}

/// `stat` of a path: inode and modification time in nanoseconds.
func fileIdentity(_ path: String) throws -> (inode: UInt64, mtimeNanoseconds: Int64) {
    var info = stat()
    guard stat(path, &info) == 0 else { throw Fixtures.Missing(description: "stat failed for \(path)") }
    return (UInt64(info.st_ino), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
}

/// A minimal valid item line, for hand-built files.
func itemLine(id: String, title: String = "A title", status: String = "todo", extra: String = "") -> String {
    "{\"id\":\"\(id)\",\"title\":\"\(title)\",\"status\":\"\(status)\",\"priority\":0,\"description\":null,"
        + "\"tags\":[],\"dependencies\":[],\"created_at\":\"2026-02-26T12:00:00Z\",\"updated_at\":\"2026-02-26T12:00:00Z\","
        + "\"blocked_reason\":null,\"blocked_from_status\":null,\"claimed_by\":null,\"claimed_at\":null\(extra)}"
}

/// Parses one item line (tests build items from JSON text, the way the store reads them).
func parseItem(_ line: String) throws -> StoreItem {
    var copy = line
    let result: Result<StoreItem, ItemLineError> = copy.withUTF8 { buffer in
        do throws(ItemLineError) {
            return .success(try StoreItem.parse(line: buffer))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
