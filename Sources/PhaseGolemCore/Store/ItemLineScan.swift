/// One pass over an item line that validates it and notes where the fields commands read are,
/// building nothing: no strings, no arrays, no extension entries.
///
/// `status` and the one-item edits (`unblock`, `advance`) read a few fields of every line but must
/// still refuse a malformed one, so the whole line is checked, eight bytes at a time inside strings.
/// The scan accepts a subset of what `StoreItem.parse` accepts (plain ASCII keys, no repeated core
/// field, integers without fraction or exponent, modest nesting); on anything else it returns nil
/// and the caller hands the line to the full parser, which reports the exact error or parses the
/// unusual but valid line. So whatever the scan accepts, the full parser accepts too, with the same values.
struct ItemLineScan {
    /// The `x-pg-*` keys `status` shows or warns about.
    enum TrackedKey: Int, CaseIterable {
        case status, phase, phasePool, size, complexity, risk, impact, pipelineType, blockedType
        case blockedFromStatus, description

        var name: String {
            switch self {
            case .status: ExtensionKey.status
            case .phase: ExtensionKey.phase
            case .phasePool: ExtensionKey.phasePool
            case .size: ExtensionKey.size
            case .complexity: ExtensionKey.complexity
            case .risk: ExtensionKey.risk
            case .impact: ExtensionKey.impact
            case .pipelineType: ExtensionKey.pipelineType
            case .blockedType: ExtensionKey.blockedType
            case .blockedFromStatus: ExtensionKey.blockedFromStatus
            case .description: ExtensionKey.description
            }
        }

        /// The key whose name is `key`, compared without building a string.
        static func match(_ key: UnsafeBufferPointer<UInt8>) -> TrackedKey? {
            // Every tracked name starts with "x-pg-"; the length narrows the candidates to one or two.
            switch key.count {
            case 10: return ItemLineCursor.equals(key, "x-pg-phase") ? .phase : nil
            case 11: return ItemLineCursor.equals(key, "x-pg-status") ? .status : ItemLineCursor.equals(key, "x-pg-impact") ? .impact : nil
            case 9: return ItemLineCursor.equals(key, "x-pg-size") ? .size : ItemLineCursor.equals(key, "x-pg-risk") ? .risk : nil
            case 15: return ItemLineCursor.equals(key, "x-pg-phase-pool") ? .phasePool : ItemLineCursor.equals(key, "x-pg-complexity") ? .complexity : nil
            case 17: return ItemLineCursor.equals(key, "x-pg-blocked-type") ? .blockedType : nil
            case 18: return ItemLineCursor.equals(key, "x-pg-pipeline-type") ? .pipelineType : nil
            case 24: return ItemLineCursor.equals(key, "x-pg-blocked-from-status") ? .blockedFromStatus : nil
            case 16: return ItemLineCursor.equals(key, "x-pg-description") ? .description : nil
            default: return nil
            }
        }
    }

    /// The id's string literal, quotes included.
    var id: Range<Int> = 0..<0
    /// The title's string literal, quotes included.
    var title: Range<Int> = 0..<0
    var status: NativeStatus = .todo
    /// Whether the native `blocked_from_status` is a status (not null or absent).
    var hasBlockedFromStatus = false
    /// Whether the line has a `parent` key (the task-golem 0.2+ dialect marker).
    var hasParentKey = false
    /// Whether the id literal has no escapes, so its bytes between the quotes are the id.
    var idIsPlain = true
    // Offsets of the tracked values, -1 when absent: fixed-size vectors keep a scan free of allocations.
    var trackedStarts = SIMD16<Int32>(repeating: -1)
    var trackedEnds = SIMD16<Int32>(repeating: -1)

    /// The raw value of a tracked key (the last one when repeated, as the full parser keeps).
    subscript(key: TrackedKey) -> Range<Int>? {
        let start = trackedStarts[key.rawValue]
        return start < 0 ? nil : Int(start)..<Int(trackedEnds[key.rawValue])
    }

    /// Scans `line`; nil when it is not a plainly valid item line.
    static func scan(_ line: UnsafeBufferPointer<UInt8>) -> ItemLineScan? {
        var cursor = ItemLineCursor(bytes: line)
        var result = ItemLineScan()
        return cursor.item(into: &result) ? result : nil
    }

    /// The id's bytes between its quotes (only when `idIsPlain`).
    func idBytes(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: line[(id.lowerBound + 1)..<(id.upperBound - 1)])
    }

    /// The decoded string a literal range holds; nil when the value there is not a string.
    static func string(_ range: Range<Int>, in line: UnsafeBufferPointer<UInt8>) -> String? {
        guard range.count >= 2, line[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        let inner = UnsafeBufferPointer(rebasing: line[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if !inner.contains(UInt8(ascii: "\\")) {
            // Validated by the scan: quote-free, escape-free, valid UTF-8.
            return String(decoding: inner, as: UTF8.self)
        }
        var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: line[range]))
        return try? parser.parseString()
    }
}
