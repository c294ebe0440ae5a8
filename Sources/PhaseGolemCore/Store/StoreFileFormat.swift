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
                let message = StoreFileFormat.describe(error, line: lineNumber, path: path)
                if strict { throw .corruption(message) }
                warnings.append("Warning: skipping \(message)")
            }
        }
    }

    /// How a bad item line is reported: its line number and file, then the parser's detail.
    static func describe(_ error: ItemLineError, line: Int, path: String) -> String {
        switch error {
        case .malformed(let detail): "Malformed item on line \(line) of \(path): \(detail)"
        case .invalidExtension(let detail): "Invalid extensions on line \(line) of \(path): \(detail)"
        }
    }

    /// Parses one line of the active file fully, reporting a bad one as corruption with its line number.
    static func parseItem(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, path: String) throws(StoreError) -> StoreItem {
        do throws(ItemLineError) {
            return try StoreItem.parse(line: line)
        } catch {
            throw .corruption(describe(error, line: lineNumber, path: path))
        }
    }

    /// Whether a line holds only whitespace (such lines are skipped, as task-golem skips them).
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
    }

    /// Streams the item lines of a file (header checked, blank lines and line-ending CRs dropped)
    /// through one reused buffer: nothing is copied but the unfinished tail of each read, and a
    /// small file costs a small buffer. `body` gets each line and its 1-based number and must not
    /// keep the buffer. Returns false when the file is missing.
    @discardableResult
    static func forEachItemLine(path: String, chunkSize: Int = 1 << 20,
                                _ body: (UnsafeBufferPointer<UInt8>, Int) throws(StoreError) -> Void) throws(StoreError) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return false }
            throw .io("Failed to read \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        // Size + 1 so that a whole small file and its end are seen in two reads of one small buffer.
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) + 1 : chunkSize
        let capacity = max(64, min(size, chunkSize))
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        var storage = buffer
        defer { storage.deallocate() }
        var filled = 0
        var lineNumber = 0
        var atEnd = false
        while !atEnd {
            if filled == storage.count {
                // A line longer than the buffer: grow it.
                let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: storage.count * 2)
                _ = bigger.initialize(fromContentsOf: storage)
                storage.deallocate()
                storage = bigger
            }
            let got = Glibc.read(fd, storage.baseAddress.map { $0 + filled }, storage.count - filled)
            if got < 0 {
                if errno == EINTR { continue }
                throw .io("Failed to read \(path): \(String(cString: strerror(errno)))")
            }
            atEnd = got == 0
            filled += got
            guard let base = storage.baseAddress else { break }
            var start = 0
            while start < filled {
                let newline = memchr(base + start, 0x0A, filled - start)
                let end: Int
                if let newline {
                    end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                } else if atEnd {
                    end = filled
                } else {
                    break
                }
                var lineEnd = end
                if lineEnd > start, base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(start: base + start, count: lineEnd - start)
                if lineNumber == 1 {
                    if let error = checkHeader(line, path: path) { throw error }
                } else if !isBlank(line) {
                    try body(line, lineNumber)
                }
                start = end + 1
            }
            if start > 0 {
                let rest = max(0, filled - start)
                if rest > 0 { memmove(base, base + start, rest) }
                filled = rest
            }
        }
        return true
    }

    /// Streams a file in chunks, calling `body` with each item and keeping memory bounded:
    /// for read-only commands over large stores. Returns the dialect (nil if the file is missing).
    @discardableResult
    public static func scan(path: String, strict: Bool, chunkSize: Int = 1 << 20,
                            _ body: (StoreItem) -> Void) throws(StoreError) -> StoreDialect? {
        var sawParent = false
        let found = try forEachItemLine(path: path, chunkSize: chunkSize) { (line, lineNumber) throws(StoreError) in
            do throws(ItemLineError) {
                let item = try StoreItem.parse(line: line)
                if item.hadParentKey { sawParent = true }
                body(item)
            } catch {
                // A lenient scan skips the line, as task-golem reads its archive.
                if strict { throw .corruption(describe(error, line: lineNumber, path: path)) }
            }
        }
        return found ? (sawParent ? .v02 : .v01) : nil
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
