/// task-golem's native status of an item.
public enum NativeStatus: String, Sendable, CaseIterable {
    case todo, doing, done, blocked
}

/// One task-golem item, as stored on one line of a `.jsonl` file.
///
/// An item read from disk keeps its source line; as long as nothing changes it is written back
/// from those bytes, so an untouched item is byte-identical whatever its source formatting.
/// Any change drops the line and the item is re-serialized canonically (store.md §4).
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
    /// `x-*` extension keys and their values.
    public internal(set) var extensions: [String: JSONValue] { didSet { sourceLine = nil } }

    /// The line this item was read from, without its newline; nil once anything changed.
    public internal(set) var sourceLine: [UInt8]?

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
        self.extensions = [:]
        self.sourceLine = nil
    }

    /// The value of an extension key, if present.
    @inlinable
    public func extensionValue(_ key: String) -> JSONValue? { extensions[key] }

    /// Sets (or with nil, removes) an extension key; the key must start with `x-`.
    public mutating func setExtension(_ key: String, _ value: JSONValue?) {
        precondition(key.hasPrefix("x-"), "extension keys start with x-")
        if extensions[key] == value { return }
        extensions[key] = value
    }

    /// Whether the item differs from the line it was read from.
    public var isModified: Bool { sourceLine == nil }

    public static func == (lhs: StoreItem, rhs: StoreItem) -> Bool {
        lhs.id == rhs.id && lhs.title == rhs.title && lhs.status == rhs.status && lhs.priority == rhs.priority
            && lhs.description == rhs.description && lhs.tags == rhs.tags && lhs.dependencies == rhs.dependencies
            && lhs.createdAt.text == rhs.createdAt.text && lhs.updatedAt.text == rhs.updatedAt.text
            && lhs.blockedReason == rhs.blockedReason && lhs.blockedFromStatus == rhs.blockedFromStatus
            && lhs.claimedBy == rhs.claimedBy && lhs.claimedAt?.text == rhs.claimedAt?.text
            && lhs.parent == rhs.parent && lhs.extensions == rhs.extensions
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
        for key in extensions.keys.sorted(by: { $0.utf8Precedes($1) }) {
            guard let value = extensions[key] else { continue }
            writer.appendRaw(",".utf8)
            writer.writeString(key)
            writer.appendRaw(":".utf8)
            writer.writeValue(value)
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

/// Which task-golem generation wrote a store file: it decides whether `parent` is written.
public enum StoreDialect: String, Sendable {
    /// task-golem 0.1 (what phase-golem itself writes): no `parent` key.
    case v01 = "0.1"
    /// task-golem 0.2 and later: `"parent"` on every line.
    case v02 = "0.2+"
}
