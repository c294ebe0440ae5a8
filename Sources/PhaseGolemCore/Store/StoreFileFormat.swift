/// The `.jsonl` file format shared by `tasks.jsonl` and `archive.jsonl` (docs/store-format.md#file-format).
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
    /// Items keep slices of `bytes` as their source lines (no copies).
    public static func parse(_ bytes: [UInt8], path: String, strict: Bool) throws(StoreError) -> Contents {
        var contents = Contents(items: [], dialect: .v01, warnings: [])
        var scanner = LineScanner(path: path, strict: strict)
        try scanner.feed(bytes[...], final: true) { item in contents.items.append(item) }
        contents.dialect = scanner.sawParent ? .v02 : .v01
        contents.warnings = scanner.warnings
        return contents
    }

    /// Splits store text into lines and parses them, across chunk boundaries.
    struct LineScanner {
        let path: String
        let strict: Bool
        var lineNumber = 0
        var sawParent = false
        var warnings: [String] = []

        init(path: String, strict: Bool) {
            self.path = path
            self.strict = strict
        }

        /// Parses every complete line of `chunk` and returns the unfinished tail (all of it when `final`).
        @discardableResult
        mutating func feed(_ chunk: ArraySlice<UInt8>, final: Bool, _ body: (StoreItem) -> Void) throws(StoreError) -> ArraySlice<UInt8> {
            var start = chunk.startIndex
            while start < chunk.endIndex {
                let newline = chunk.withUnsafeBufferPointer { buffer -> Int? in
                    guard let base = buffer.baseAddress, let found = memchr(base + (start - chunk.startIndex), 0x0A, chunk.endIndex - start) else {
                        return nil
                    }
                    return chunk.startIndex + base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                }
                guard let end = newline ?? (final ? chunk.endIndex : nil) else { return chunk[start...] }
                var lineEnd = end
                if lineEnd > start, chunk[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                try handle(chunk[start..<lineEnd], body)
                start = end + 1
            }
            return chunk[chunk.endIndex...]
        }

        private mutating func handle(_ line: ArraySlice<UInt8>, _ body: (StoreItem) -> Void) throws(StoreError) {
            lineNumber += 1
            if lineNumber == 1 {
                if let error = line.withUnsafeBufferPointer({ StoreFileFormat.checkHeader($0, path: path) }) { throw error }
                return
            }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }) { return }
            do throws(ItemLineError) {
                let item = try StoreItem.parse(line: line)
                if item.hadParentKey { sawParent = true }
                body(item)
            } catch {
                let message: String
                switch error {
                case .malformed(let detail): message = "Malformed item on line \(lineNumber) of \(path): \(detail)"
                case .invalidExtension(let detail): message = "Invalid extensions on line \(lineNumber) of \(path): \(detail)"
                }
                if strict { throw .corruption(message) }
                warnings.append("Warning: skipping \(message)")
            }
        }
    }

    /// Streams a file in chunks, calling `body` with each item and keeping memory bounded:
    /// for read-only commands over large stores. Returns the dialect (nil if the file is missing).
    @discardableResult
    public static func scan(path: String, strict: Bool, chunkSize: Int = 1 << 20,
                            _ body: (StoreItem) -> Void) throws(StoreError) -> StoreDialect? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .io("Failed to read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var scanner = LineScanner(path: path, strict: strict)
        var pending: [UInt8] = []
        while true {
            var chunk = [UInt8](repeating: 0, count: chunkSize)
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, chunkSize) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io("Failed to read \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 {
                if !pending.isEmpty { try scanner.feed(pending[...], final: true, body) }
                break
            }
            chunk.removeLast(chunkSize - got)
            let data = pending.isEmpty ? chunk : pending + chunk
            pending = Array(try scanner.feed(data[...], final: false, body))
        }
        return scanner.sawParent ? .v02 : .v01
    }

    static func checkHeader(_ line: UnsafeBufferPointer<UInt8>, path: String) -> StoreError? {
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

    /// Serializes a whole active file: header, then items sorted by id bytes.
    public static func serialize(_ items: [StoreItem], dialect: StoreDialect) -> [UInt8] {
        // Sort positions, not items: copying an item retains every field it holds.
        var order = Array(items.indices)
        let alreadySorted = zip(order, order.dropFirst()).allSatisfy { items[$0.0].id.utf8Precedes(items[$0.1].id) }
        if !alreadySorted {
            order.sort { items[$0].id.utf8Precedes(items[$1].id) }
        }
        var capacity = header.count + 1
        for item in items { capacity += (item.sourceLine?.count ?? 2048) + 1 }
        var writer = JSONWriter(capacity: capacity)
        writer.appendRaw(header)
        writer.appendRaw(CollectionOfOne(UInt8(0x0A)))
        for index in order {
            items[index].write(to: &writer, dialect: dialect)
            writer.appendRaw(CollectionOfOne(UInt8(0x0A)))
        }
        return writer.bytes
    }
}

#if canImport(Glibc)
import Glibc
#endif
