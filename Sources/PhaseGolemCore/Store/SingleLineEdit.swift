/// Finds the one line a single-item edit replaces, checking every line on the way, for
/// `TaskStore.editItem`.
enum SingleLineEdit {
    /// Where the item is, and the dialect its rewritten line is written in.
    struct Location {
        /// The item's line, without its newline; nil when no item has the id.
        var line: Range<Int>?
        var lineNumber: Int
        var dialect: StoreDialect
    }

    /// The item's line, when replacing just that line gives exactly the file a full rewrite
    /// (`StoreFileFormat.serialize`) would write: canonical header, every line ending in a bare
    /// newline, no blank lines, ids escape-free and strictly ascending (so sorted and unique), and
    /// no line that the rewrite would re-serialize for the 0.2+ dialect. Nil otherwise, and the
    /// caller takes the full path. A malformed line throws, with its line number, as a full read does.
    static func locate(_ id: String, in bytes: [UInt8], path: String) throws(StoreError) -> Location? {
        let result: Result<Location?, StoreError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(StoreError) {
                return .success(try locate(id, in: buffer, path: path))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func locate(_ id: String, in buffer: UnsafeBufferPointer<UInt8>, path: String) throws(StoreError) -> Location? {
        let header = StoreFileFormat.header
        guard let base = buffer.baseAddress, buffer.count > header.count, buffer[header.count] == 0x0A,
              buffer.last == 0x0A, UnsafeBufferPointer(rebasing: buffer[..<header.count]).elementsEqual(header) else {
            return nil
        }
        let target = Array(id.utf8)
        var found: Range<Int>?
        var foundNumber = 0
        var previous: UnsafeBufferPointer<UInt8>?
        var sawParent = false
        var allHaveParent = true
        var start = header.count + 1
        var lineNumber = 1
        while start < buffer.count {
            guard let newline = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
            let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            lineNumber += 1
            let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
            // A full read drops the CR and blank lines; the full path writes the file without them.
            if line.last == 0x0D || StoreFileFormat.isBlank(line) { return nil }
            guard let scan = ItemLineScan.scan(line) else {
                // Malformed (the full parser says how, with the line number) or unusual (the full path handles it).
                _ = try StoreFileFormat.parseItem(line, lineNumber: lineNumber, path: path)
                return nil
            }
            guard scan.idIsPlain else { return nil }
            let lineID = scan.idBytes(line)
            let hasParent = scan.hasParentKey
            if let previous, !precedes(previous, lineID) { return nil }
            previous = lineID
            sawParent = sawParent || hasParent
            allHaveParent = allHaveParent && hasParent
            if lineID.elementsEqual(target) {
                found = start..<end
                foundNumber = lineNumber
            }
            start = end + 1
        }
        // The 0.2+ dialect re-serializes lines without a parent key, so the full path must write those.
        if sawParent, !allHaveParent { return nil }
        return Location(line: found, lineNumber: foundNumber, dialect: sawParent ? .v02 : .v01)
    }

    /// Whether `lhs` sorts strictly before `rhs` byte by byte (the order ids are written in).
    private static func precedes(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(lhs.count, rhs.count)
        if common > 0, let left = lhs.baseAddress, let right = rhs.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return order < 0 }
        }
        return lhs.count < rhs.count
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
