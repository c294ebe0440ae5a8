/// task-golem's native status of an item.
public enum NativeStatus: String, Sendable, CaseIterable {
    case todo, doing, done, blocked
}

/// One task-golem item, as stored on one line of a `.jsonl` file.
///
/// An item read from disk keeps its source line; as long as nothing changes it is written back
/// from those bytes, so an untouched item is byte-identical whatever its source formatting.
/// Any change drops the line and the item is re-serialized canonically (docs/store-format.md#canonical-bytes).
public struct StoreItem: Sendable, Equatable {
    public var id: String { didSet { sourceLine = nil } }
    public var title: String { didSet { sourceLine = nil } }
    public var status: NativeStatus { didSet { sourceLine = nil } }
    public var priority: Int64 { didSet { sourceLine = nil } }
    public var description: String? { didSet { sourceLine = nil } }
    public var tags: [String] { didSet { sourceLine = nil } }
    public var dependencies: [String] { didSet { sourceLine = nil } }
    public var createdAt: Timestamp { didSet { sourceLine = nil } }
    public var updatedAt: Timestamp { didSet { sourceLine = nil } }
    public var blockedReason: String? { didSet { sourceLine = nil } }
    public var blockedFromStatus: NativeStatus? { didSet { sourceLine = nil } }
    public var claimedBy: String? { didSet { sourceLine = nil } }
    public var claimedAt: Timestamp? { didSet { sourceLine = nil } }
    /// The parent id (task-golem 0.2+). Only written when the store uses the 0.2+ dialect,
    /// or when it is set.
    public var parent: String? { didSet { sourceLine = nil } }
    /// Whether the source line carried a `parent` key (the 0.2+ dialect marker).
    public internal(set) var hadParentKey: Bool
    /// `x-*` extensions sorted by key bytes (the order they are written in); values read from
    /// disk stay as raw text until asked for, so a large description costs nothing unless used.
    var extensionEntries: [ExtensionEntry] { didSet { sourceLine = nil } }

    /// The line this item was read from, without its newline; nil once anything changed.
    public internal(set) var sourceLine: ArraySlice<UInt8>?

    /// Creates a new todo item the way task-golem's `add` does.
    public init(id: String, title: String, now: Timestamp = .now()) {
        self.id = id
        self.title = title
        self.status = .todo
        self.priority = 0
        self.description = nil
        self.tags = []
        self.dependencies = []
        self.createdAt = now
        self.updatedAt = now
        self.blockedReason = nil
        self.blockedFromStatus = nil
        self.claimedBy = nil
        self.claimedAt = nil
        self.parent = nil
        self.hadParentKey = false
        self.extensionEntries = []
        self.sourceLine = nil
    }

    /// The value of an extension key, if present.
    public func extensionValue(_ key: String) -> JSONValue? {
        guard let position = Self.position(of: key, in: extensionEntries).found else { return nil }
        return extensionEntries[position].value
    }

    /// The extension keys in byte order.
    public var extensionKeys: [String] { extensionEntries.map(\.key) }

    /// All extensions as a dictionary (materializes every value).
    public var extensions: [String: JSONValue] {
        Dictionary(extensionEntries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Sets (or with nil, removes) an extension key. Keys must start with `x-`; the item
    /// model only passes its own constant keys.
    public mutating func setExtension(_ key: String, _ value: JSONValue?) {
        guard key.hasPrefix("x-") else { return }
        let (found, insertAt) = Self.position(of: key, in: extensionEntries)
        if let found {
            guard let value else {
                extensionEntries.remove(at: found)
                return
            }
            if extensionEntries[found].value == value { return }
            extensionEntries[found] = ExtensionEntry(key: key, parsed: value)
        } else if let value {
            extensionEntries.insert(ExtensionEntry(key: key, parsed: value), at: insertAt)
        }
    }

    /// Where `key` is in byte-sorted `entries`, or where it would be inserted.
    static func position(of key: String, in entries: [ExtensionEntry]) -> (found: Int?, insertAt: Int) {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            let order = String.compareUTF8(entries[middle].key, key)
            if order == 0 { return (middle, middle) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return (nil, low)
    }

    /// Whether the item differs from the line it was read from.
    public var isModified: Bool { sourceLine == nil }

    public static func == (lhs: StoreItem, rhs: StoreItem) -> Bool {
        lhs.id == rhs.id && lhs.title == rhs.title && lhs.status == rhs.status && lhs.priority == rhs.priority
            && lhs.description == rhs.description && lhs.tags == rhs.tags && lhs.dependencies == rhs.dependencies
            && lhs.createdAt.text == rhs.createdAt.text && lhs.updatedAt.text == rhs.updatedAt.text
            && lhs.blockedReason == rhs.blockedReason && lhs.blockedFromStatus == rhs.blockedFromStatus
            && lhs.claimedBy == rhs.claimedBy && lhs.claimedAt?.text == rhs.claimedAt?.text
            && lhs.parent == rhs.parent && lhs.extensionKeys == rhs.extensionKeys
            && lhs.extensionEntries.map(\.value) == rhs.extensionEntries.map(\.value)
    }

    // MARK: Serialization

    /// Appends the item's line (without newline) in canonical form, or its source bytes when unchanged.
    public func write(to writer: inout JSONWriter, dialect: StoreDialect) {
        if let sourceLine, dialect == .v01 || hadParentKey {
            writer.appendRaw(sourceLine)
            return
        }
        writer.appendRaw("{\"id\":")
        writer.writeString(id)
        writer.appendRaw(",\"title\":")
        writer.writeString(title)
        writer.appendRaw(",\"status\":")
        writer.writeString(status.rawValue)
        writer.appendRaw(",\"priority\":")
        writer.appendRaw(String(priority).utf8)
        writer.appendRaw(",\"description\":")
        writer.writeOptionalString(description)
        writer.appendRaw(",\"tags\":")
        writer.writeStringArray(tags)
        writer.appendRaw(",\"dependencies\":")
        writer.writeStringArray(dependencies)
        writer.appendRaw(",\"created_at\":")
        writer.writeString(createdAt.text)
        writer.appendRaw(",\"updated_at\":")
        writer.writeString(updatedAt.text)
        writer.appendRaw(",\"blocked_reason\":")
        writer.writeOptionalString(blockedReason)
        writer.appendRaw(",\"blocked_from_status\":")
        writer.writeOptionalString(blockedFromStatus?.rawValue)
        writer.appendRaw(",\"claimed_by\":")
        writer.writeOptionalString(claimedBy)
        writer.appendRaw(",\"claimed_at\":")
        writer.writeOptionalString(claimedAt?.text)
        if dialect == .v02 || parent != nil {
            writer.appendRaw(",\"parent\":")
            writer.writeOptionalString(parent)
        }
        for entry in extensionEntries {
            writer.appendRaw(",".utf8)
            writer.writeString(entry.key)
            writer.appendRaw(":".utf8)
            writer.writeValue(entry.value)
        }
        writer.appendRaw("}")
    }

    /// The item's canonical line as a string (for tests and diagnostics).
    public func canonicalLine(dialect: StoreDialect) -> String {
        var copy = self
        copy.sourceLine = nil
        var writer = JSONWriter()
        copy.write(to: &writer, dialect: dialect)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// One `x-*` key with its value, raw from disk or set in memory.
struct ExtensionEntry: Sendable {
    let key: String
    /// The value's source text; parsed on demand.
    private let raw: ArraySlice<UInt8>?
    private let parsed: JSONValue?

    init(key: String, raw: ArraySlice<UInt8>) {
        self.key = key
        self.raw = raw
        self.parsed = nil
    }

    init(key: String, parsed: JSONValue) {
        self.key = key
        self.raw = nil
        self.parsed = parsed
    }

    /// Whether the value is a JSON object, answered from the first raw byte without parsing.
    var isObject: Bool {
        if let parsed { return parsed.objectMembers != nil }
        return raw?.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "{")
    }

    /// The value; raw text was validated when the line was read, so parsing it cannot fail.
    var value: JSONValue {
        if let parsed { return parsed }
        guard let raw else { return .null }
        return raw.withUnsafeBufferPointer { (try? JSONParser.parse($0)) ?? .null }
    }
}

/// Which task-golem generation wrote a store file: it decides whether `parent` is written.
public enum StoreDialect: String, Sendable {
    /// task-golem 0.1 (what phase-golem itself writes): no `parent` key.
    case v01 = "0.1"
    /// task-golem 0.2 and later: `"parent"` on every line.
    case v02 = "0.2+"
}
