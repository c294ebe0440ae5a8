/// Which of two duplicate items survives a triage merge (docs/compatibility.md#handling-results).
public enum MergeDirection {
    /// The item merged away (`source`) and the one that keeps the work (`target`).
    ///
    /// With decimal suffixes on both ids the newer (higher) is merged into the older (lower);
    /// otherwise, including equal numbers and hex or base32 ids, the triaged item is merged into
    /// the duplicate it names (quirk 20, kept for compatibility).
    public static func resolve(triaged: String, duplicate: String) -> (source: String, target: String) {
        if let triagedNumber = numericSuffix(triaged), let duplicateNumber = numericSuffix(duplicate),
           duplicateNumber > triagedNumber {
            return (duplicate, triaged)
        }
        return (triaged, duplicate)
    }

    /// The text after the last `-` (the whole id without one) as a decimal `UInt32`, as the
    /// original parses it (`+7` included, overflow excluded).
    static func numericSuffix(_ id: String) -> UInt32? {
        let suffix = id.lastIndex(of: "-").map { id[id.index(after: $0)...] } ?? id[...]
        return UInt32(suffix)
    }
}
