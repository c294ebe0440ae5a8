/// A change to one item, as the scheduler and commands request it (docs/compatibility.md#items-and-statuses, docs/compatibility.md#the-coordinator-and-commits).
public enum ItemUpdate: Sendable, Equatable {
    case transitionStatus(PGStatus)
    case setPhase(String)
    case setPhasePool(PhasePool)
    case clearPhase
    case setBlocked(String)
    case unblock
    case updateAssessments(Assessments)
    case setPipelineType(String)
    case setLastPhaseCommit(String)
    case setDescription(StructuredDescription?)
}

extension StoreItem {
    /// Applies an update. An update the lifecycle does not allow is skipped; the returned
    /// warnings say so, in the original's words.
    @discardableResult
    public mutating func apply(_ update: ItemUpdate, now: Timestamp = .now()) -> [String] {
        switch update {
        case .transitionStatus(let target):
            return transition(to: target, now: now)
        case .setPhase(let phase):
            setPhase(phase, now: now)
        case .setPhasePool(let pool):
            setPhasePool(pool, now: now)
        case .clearPhase:
            setExtension(ExtensionKey.phase, nil)
            setExtension(ExtensionKey.phasePool, nil)
            touch(now)
        case .setBlocked(let reason):
            return block(reason: reason, now: now)
        case .unblock:
            return unblock(context: nil, now: now).warnings
        case .updateAssessments(let assessments):
            updateAssessments(assessments, now: now)
        case .setPipelineType(let type):
            setPipelineType(type, now: now)
        case .setLastPhaseCommit(let sha):
            setLastPhaseCommit(sha, now: now)
        case .setDescription(let description):
            setStructuredDescription(description, now: now)
        }
        return []
    }

    /// A lifecycle move; into Blocked it records where from, out of Blocked it clears the block.
    mutating func transition(to target: PGStatus, now: Timestamp) -> [String] {
        let current = pgStatus
        guard current.canTransition(to: target) else {
            return ["Item \(id): invalid transition \(current.debugName) -> \(target.debugName), skipping"]
        }
        if target == .blocked {
            recordBlockedFrom(current)
        } else if current == .blocked {
            clearBlockFields()
        }
        setPGStatus(target, now: now)
        return []
    }

    /// Blocks with a reason, keeping phase and pool so work resumes where it stopped.
    public mutating func block(reason: String, now: Timestamp = .now()) -> [String] {
        let current = pgStatus
        guard current.canTransition(to: .blocked) else {
            return ["Item \(id): cannot block from \(current.debugName), skipping"]
        }
        recordBlockedFrom(current)
        blockedReason = reason
        setPGStatus(.blocked, now: now)
        return []
    }

    /// Restores the pre-block status (New when unknown) and clears every block field.
    ///
    /// `context` is the operator's note for the next prompts; with a context (or `resetPhaseCommit`)
    /// this is the CLI/coordinator unblock, which also forgets the staleness anchor.
    public mutating func unblock(context: String?, resetPhaseCommit: Bool = false, now: Timestamp = .now())
        -> (restored: PGStatus?, warnings: [String]) {
        guard pgStatus == .blocked else {
            return (nil, ["Item \(id): cannot unblock, not blocked (status: \(pgStatus.debugName)), skipping"])
        }
        var warnings: [String] = []
        if let raw = extensionValue(ExtensionKey.blockedFromStatus)?.stringValue {
            if blockedFromStatus == nil {
                warnings.append(Self.staleBlockedFromWarning(id))
            } else if !["new", "scoping", "ready", "in_progress"].contains(raw) {
                warnings.append("Item \(id): invalid \(ExtensionKey.blockedFromStatus) value '\(raw)', treating as absent")
            }
        }
        let restored = blockedFromPGStatus ?? .new
        clearBlockFields()
        if let context { setExtension(ExtensionKey.unblockContext, .string(context)) }
        if resetPhaseCommit { setExtension(ExtensionKey.lastPhaseCommit, nil) }
        setPGStatus(restored, now: now)
        return (restored, warnings)
    }

    private mutating func recordBlockedFrom(_ current: PGStatus) {
        setExtension(ExtensionKey.blockedFromStatus, .string(current.rawValue))
        blockedFromStatus = current.native
    }

    private mutating func clearBlockFields() {
        setExtension(ExtensionKey.blockedFromStatus, nil)
        blockedFromStatus = nil
        blockedReason = nil
        setExtension(ExtensionKey.blockedType, nil)
        setExtension(ExtensionKey.unblockContext, nil)
    }
}
