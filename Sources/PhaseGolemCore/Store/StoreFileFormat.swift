/// The `.jsonl` file format shared by `tasks.jsonl` and `archive.jsonl` (store.md §2).
public enum StoreFileFormat {
    /// The header line every store file starts with.
    public static let header: [UInt8] = Array("{\"schema_version\":1}".utf8)

    /// The items of a file and the dialect its lines use.
    public struct Contents: Sendable {
        public var items: [StoreItem]
        public var dialect: StoreDialect
        /// Problems with skipped lines (archive only).
        public var warnings: [String]
    }

    /// Parses a whole file. `strict` (the active file) fails on the first bad line;
    /// otherwise bad lines are skipped with a warning, as task-golem reads its archive.
    public static func parse(_ bytes: [UInt8], path: String, strict: Bool) throws(StoreError) -> Contents {
        var contents = Contents(items: [], dialect: .v01, warnings: [])
        if bytes.isEmpty { return contents }
        var failure: StoreError?
        bytes.withUnsafeBufferPointer { buffer in
            var lineNumber = 0
            var start = 0
            var sawParent = false
            while start < buffer.count {
                var end = start
                if let newline = memchrIndex(buffer, from: start) { end = newline } else { end = buffer.count }
                lineNumber += 1
                var lineEnd = end
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])
                start = end + 1
                if lineNumber == 1 {
                    if let error = checkHeader(line, path: path) {
                        failure = error
                        return
                    }
                    continue
                }
                if isBlank(line) { continue }
                do throws(ItemLineError) {
                    let item = try StoreItem.parse(line: line)
                    if item.hadParentKey { sawParent = true }
                    contents.items.append(item)
                } catch {
                    let message: String
                    switch error {
                    case .malformed(let detail): message = "Malformed item on line \(lineNumber) of \(path): \(detail)"
                    case .invalidExtension(let detail): message = "Invalid extensions on line \(lineNumber) of \(path): \(detail)"
                    }
                    if strict {
                        failure = .corruption(message)
                        return
                    }
                    contents.warnings.append("Warning: skipping \(message)")
                }
            }
            contents.dialect = sawParent ? .v02 : .v01
        }
        if let failure { throw failure }
        return contents
    }

    private static func checkHeader(_ line: UnsafeBufferPointer<UInt8>, path: String) -> StoreError? {
        if line.elementsEqual(header) { return nil }
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .corruption("Invalid header on line 1 of \(path): expected {\"schema_version\":1} (\(error))")
        }
        guard case .object = value, let version = value["schema_version"], case .number(let text) = version,
              let number = UInt64(text) else {
            return .corruption("Invalid header on line 1 of \(path): expected {\"schema_version\":1}")
        }
        if number != 1 { return .unsupportedSchema(version: text, path: path) }
        return nil
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
    }

    private static func memchrIndex(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = buffer.baseAddress, start < buffer.count else { return nil }
        guard let found = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Serializes a whole active file: header, then items sorted by id bytes.
    public static func serialize(_ items: [StoreItem], dialect: StoreDialect) -> [UInt8] {
        let sorted = items.sorted { $0.id.utf8Precedes($1.id) }
        var writer = JSONWriter(capacity: 64 + sorted.reduce(0) { $0 + ($1.sourceLine?.count ?? 1024) + 1 })
        writer.appendRaw(header)
        writer.appendRaw(CollectionOfOne(UInt8(0x0A)))
        for item in sorted {
            item.write(to: &writer, dialect: dialect)
            writer.appendRaw(CollectionOfOne(UInt8(0x0A)))
        }
        return writer.bytes
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
