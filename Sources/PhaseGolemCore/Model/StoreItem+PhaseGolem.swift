/// phase-golem's view of a task-golem item: reading and writing the `x-pg-*` keys.
///
/// Readers are lenient the way the original is: an invalid value reads as absent (or New) and
/// `phaseGolemWarnings()` reports it. Every setter bumps `updated_at`.
extension StoreItem {
    // MARK: Reading

    /// The six-state status: native status wins for doing/done/blocked; todo is refined by `x-pg-status`.
    public var pgStatus: PGStatus {
        switch status {
        case .doing: return .inProgress
        case .done: return .done
        case .blocked: return .blocked
        case .todo:
            switch extensionValue(ExtensionKey.status)?.stringValue {
            case "scoping": return .scoping
            case "ready": return .ready
            default: return .new
            }
        }
    }

    public var phase: String? { extensionValue(ExtensionKey.phase)?.stringValue }

    /// The pool of the current phase; nil when absent (treated as main by the scheduler).
    public var phasePool: PhasePool? { extensionValue(ExtensionKey.phasePool)?.stringValue.flatMap(PhasePool.init(rawValue:)) }

    public var size: SizeLevel? { extensionValue(ExtensionKey.size)?.stringValue.flatMap(SizeLevel.init(rawValue:)) }
    public var complexity: DimensionLevel? { dimension(ExtensionKey.complexity) }
    public var risk: DimensionLevel? { dimension(ExtensionKey.risk) }
    public var impact: DimensionLevel? { dimension(ExtensionKey.impact) }

    private func dimension(_ key: String) -> DimensionLevel? {
        extensionValue(key)?.stringValue.flatMap(DimensionLevel.init(rawValue:))
    }

    /// The four assessments as stored.
    public var assessments: Assessments {
        Assessments(size: size, complexity: complexity, risk: risk, impact: impact)
    }

    /// True only for a JSON `true`.
    public var requiresHumanReview: Bool { extensionValue(ExtensionKey.requiresHumanReview) == .bool(true) }
    public var pipelineType: String? { extensionValue(ExtensionKey.pipelineType)?.stringValue }
    public var origin: String? { extensionValue(ExtensionKey.origin)?.stringValue }
    public var unblockContext: String? { extensionValue(ExtensionKey.unblockContext)?.stringValue }
    public var lastPhaseCommit: String? { extensionValue(ExtensionKey.lastPhaseCommit)?.stringValue }

    /// The full-fidelity status before blocking; stale (nil) when native `blocked_from_status` is null,
    /// which is what a `tg unblock` leaves behind.
    public var blockedFromPGStatus: PGStatus? {
        guard blockedFromStatus != nil,
              let raw = extensionValue(ExtensionKey.blockedFromStatus)?.stringValue,
              let value = PGStatus(rawValue: raw),
              [.new, .scoping, .ready, .inProgress].contains(value) else { return nil }
        return value
    }

    /// `x-pg-description`; missing fields read as empty, all-empty reads as absent.
    public var structuredDescription: StructuredDescription? {
        guard case .object = extensionValue(ExtensionKey.description), let value = extensionValue(ExtensionKey.description) else {
            return nil
        }
        let description = StructuredDescription(
            context: value["context"]?.stringValue ?? "",
            problem: value["problem"]?.stringValue ?? "",
            solution: value["solution"]?.stringValue ?? "",
            impact: value["impact"]?.stringValue ?? "",
            sizingRationale: value["sizing_rationale"]?.stringValue ?? "")
        return description.isEmpty ? nil : description
    }

    /// What the lenient readers above silently treated as absent, phrased as the original logs it.
    public func phaseGolemWarnings() -> [String] {
        var warnings: [String] = []
        // One pass over the extensions; most items have nothing to report.
        for entry in extensionEntries where entry.key.hasPrefix("x-pg-") {
            let allowed: [String]
            switch entry.key {
            case ExtensionKey.status:
                guard status == .todo, let raw = entry.value.stringValue, !["new", "scoping", "ready"].contains(raw) else { continue }
                // First, as the original reads the status before any other field.
                warnings.insert("Item \(id): invalid x-pg-status value '\(raw)', defaulting to New", at: 0)
                continue
            case ExtensionKey.description:
                if !entry.isObject {
                    warnings.append("Item \(id): invalid \(ExtensionKey.description) value (expected an object), treating as absent")
                }
                continue
            case ExtensionKey.blockedFromStatus:
                guard let raw = entry.value.stringValue else { continue }
                if blockedFromStatus == nil {
                    warnings.append(Self.staleBlockedFromWarning(id))
                } else if !["new", "scoping", "ready", "in_progress"].contains(raw) {
                    warnings.append("Item \(id): invalid \(ExtensionKey.blockedFromStatus) value '\(raw)', treating as absent")
                }
                continue
            case ExtensionKey.phasePool: allowed = ["pre", "main"]
            case ExtensionKey.size: allowed = ["small", "medium", "large"]
            case ExtensionKey.complexity, ExtensionKey.risk, ExtensionKey.impact: allowed = ["low", "medium", "high"]
            case ExtensionKey.blockedType: allowed = ["clarification", "decision"]
            default: continue
            }
            let value = entry.value
            if let raw = value.stringValue, allowed.contains(raw) { continue }
            warnings.append("Item \(id): invalid \(entry.key) value '\(Self.display(value))', treating as absent")
        }
        return warnings
    }

    /// The original's words for an `x-pg-blocked-from-status` left behind by `tg unblock`.
    static func staleBlockedFromWarning(_ id: String) -> String {
        "Item \(id): \(ExtensionKey.blockedFromStatus) extension is stale (native field cleared), treating as absent"
    }

    private static func display(_ value: JSONValue) -> String {
        value.stringValue ?? JSONWriter.canonicalString(value)
    }

    // MARK: Writing (every setter bumps updated_at)

    /// Touches `updated_at`; setters call it, callers may pass a fixed clock in tests.
    public mutating func touch(_ now: Timestamp = .now()) {
        updatedAt = now
    }

    /// Writes a status: native status plus `x-pg-status` (present only while todo).
    public mutating func setPGStatus(_ newStatus: PGStatus, now: Timestamp = .now()) {
        status = newStatus.native
        switch newStatus {
        case .new, .scoping, .ready: setExtension(ExtensionKey.status, .string(newStatus.rawValue))
        case .inProgress, .done, .blocked: setExtension(ExtensionKey.status, nil)
        }
        touch(now)
    }

    public mutating func setPhase(_ phase: String?, now: Timestamp = .now()) {
        setExtension(ExtensionKey.phase, phase.map(JSONValue.string))
        touch(now)
    }

    public mutating func setPhasePool(_ pool: PhasePool?, now: Timestamp = .now()) {
        setExtension(ExtensionKey.phasePool, pool.map { .string($0.rawValue) })
        touch(now)
    }

    public mutating func setPipelineType(_ type: String?, now: Timestamp = .now()) {
        setExtension(ExtensionKey.pipelineType, type.map(JSONValue.string))
        touch(now)
    }

    public mutating func setOrigin(_ origin: String?, now: Timestamp = .now()) {
        setExtension(ExtensionKey.origin, origin.map(JSONValue.string))
        touch(now)
    }

    public mutating func setLastPhaseCommit(_ sha: String?, now: Timestamp = .now()) {
        setExtension(ExtensionKey.lastPhaseCommit, sha.map(JSONValue.string))
        touch(now)
    }

    public mutating func setUnblockContext(_ text: String?, now: Timestamp = .now()) {
        setExtension(ExtensionKey.unblockContext, text.map(JSONValue.string))
        touch(now)
    }

    /// Writes only the `true` form; false removes the key.
    public mutating func setRequiresHumanReview(_ flag: Bool, now: Timestamp = .now()) {
        setExtension(ExtensionKey.requiresHumanReview, flag ? .bool(true) : nil)
        touch(now)
    }

    /// Overwrites the dimensions present in `update`; absent ones keep their stored value.
    public mutating func updateAssessments(_ update: Assessments, now: Timestamp = .now()) {
        if let size = update.size { setExtension(ExtensionKey.size, .string(size.rawValue)) }
        if let value = update.complexity { setExtension(ExtensionKey.complexity, .string(value.rawValue)) }
        if let value = update.risk { setExtension(ExtensionKey.risk, .string(value.rawValue)) }
        if let value = update.impact { setExtension(ExtensionKey.impact, .string(value.rawValue)) }
        touch(now)
    }

    /// Writes all five description keys and mirrors `context` into the native description;
    /// nil removes the key and nulls the native description.
    public mutating func setStructuredDescription(_ value: StructuredDescription?, now: Timestamp = .now()) {
        if let value {
            setExtension(ExtensionKey.description, value.jsonValue)
            description = value.context.isEmpty ? nil : value.context
        } else {
            setExtension(ExtensionKey.description, nil)
            description = nil
        }
        touch(now)
    }
}
