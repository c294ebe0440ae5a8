/// One problem preflight found: what is wrong, where it is configured, and how to fix it.
public struct PreflightError: Sendable, Equatable, CustomStringConvertible {
    public var condition: String
    public var location: String
    public var fix: String

    public init(condition: String, location: String, fix: String) {
        self.condition = condition
        self.location = location
        self.fix = fix
    }

    /// The original's three lines: `Preflight error: …`, `  Config: …`, `  Fix: …`.
    public var description: String {
        "Preflight error: \(condition)\n  Config: \(location)\n  Fix: \(fix)"
    }
}

/// Checks that a run can start: store present, config coherent, workflows on disk, items
/// pointing at real pipelines and phases, no duplicate ids, no broken dependency graph
/// (docs/compatibility.md#preflight, with docs/decisions.md D3: a dependency found in the archive is met).
///
/// The condition, location and fix texts of the checks the original has are its own, word for
/// word (even the legacy `BACKLOG.yaml` locations): scripts match these lines.
public struct Preflight: Sendable {
    public let loaded: LoadedConfig
    public let root: String
    /// Who will start the agent (docs/decisions.md D14: Claude Code refuses root).
    public let host: ClaudeRootRule.Host

    public init(loaded: LoadedConfig, root: String, host: ClaudeRootRule.Host = .current) {
        self.loaded = loaded
        self.root = root
        self.host = host
    }

    private var config: PhaseGolemConfig { loaded.config }
    private static let file = "phase-golem.toml"

    /// Runs every stage; an empty result means the run may start.
    public func check(items: [StoreItem], archivedIDs: Set<String>) -> [PreflightError] {
        let storeDirectory = FileIO.join(root, ".task-golem")
        guard FileIO.isDirectory(storeDirectory) else {
            return [PreflightError(
                condition: ".task-golem/ directory not found",
                location: storeDirectory,
                fix: "Run `tg init` to initialize the task-golem store")]
        }
        var errors = structuralErrors()
        let structuralOK = errors.isEmpty
        if structuralOK { errors += workflowErrors() }
        if structuralOK { errors += itemErrors(items) }
        errors += unsafeIDErrors(items)
        errors += duplicateErrors(items)
        errors += dependencyErrors(items, archivedIDs: archivedIDs)
        // Last, so the original's errors keep their order (docs/decisions.md, plain output).
        errors += agentErrors()
        return errors
    }

    // MARK: Stage 6 (ours, docs/decisions.md D14): the agent will not refuse to work

    /// Claude Code refuses every phase as root without `IS_SANDBOX=1`; caught here, nothing is
    /// attempted, no item is touched.
    func agentErrors() -> [PreflightError] {
        guard config.agent.cli == .claude, ClaudeRootRule.refuses(host) else { return [] }
        return [ClaudeRootRule.preflightError]
    }

    // MARK: Stage 1: structure (the loader validates too; kept for configs built in code)

    func structuralErrors() -> [PreflightError] {
        var errors: [PreflightError] = []
        if config.execution.maxWip < 1 {
            errors.append(PreflightError(condition: "max_wip must be >= 1", location: "\(Self.file) → execution.max_wip",
                                         fix: "Set execution.max_wip to 1 or more"))
        }
        if config.execution.maxConcurrent < 1 {
            errors.append(PreflightError(condition: "max_concurrent must be >= 1", location: "\(Self.file) → execution.max_concurrent",
                                         fix: "Set execution.max_concurrent to 1 or more"))
        }
        if config.execution.phaseTimeoutMinutes == 0 {
            // The original runs with it and every agent times out at once, blocking every item
            // it reaches (docs/decisions.md D16).
            errors.append(PreflightError(condition: "phase_timeout_minutes is 0: every agent would time out at once",
                                         location: "\(Self.file) → execution.phase_timeout_minutes",
                                         fix: "Set execution.phase_timeout_minutes to the minutes a phase may take (default 30)"))
        }
        for name in config.sortedPipelineNames {
            guard let pipeline = config.pipelines[name] else { continue }
            if pipeline.phases.isEmpty {
                errors.append(PreflightError(condition: "Pipeline \"\(name)\" has no main phases",
                                             location: "\(Self.file) → pipelines.\(name).phases",
                                             fix: "Add at least one phase to pipelines.\(name).phases"))
            }
            var seen: Set<String> = []
            for (pool, phases) in [("pre_phases", pipeline.prePhases), ("phases", pipeline.phases)] {
                for (index, phase) in phases.enumerated() where !seen.insert(phase.name).inserted {
                    errors.append(PreflightError(condition: "Duplicate phase name \"\(phase.name)\" in pipeline \"\(name)\"",
                                                 location: "\(Self.file) → pipelines.\(name).\(pool)[\(index)]",
                                                 fix: "Give every phase of the pipeline a distinct name"))
                }
            }
            for (index, phase) in pipeline.prePhases.enumerated() where phase.isDestructive {
                errors.append(PreflightError(condition: "Pre-phase \"\(phase.name)\" in pipeline \"\(name)\" cannot be destructive",
                                             location: "\(Self.file) → pipelines.\(name).pre_phases[\(index)]",
                                             fix: "Set is_destructive = false, or move the phase to pipelines.\(name).phases"))
            }
            if config.execution.maxWip > 1 {
                for phase in pipeline.allPhases where phase.staleness == .block {
                    errors.append(PreflightError(
                        condition: "Phase \"\(phase.name)\" in pipeline \"\(name)\" uses staleness \"block\" with max_wip \(config.execution.maxWip)",
                        location: "\(Self.file) → pipelines.\(name)",
                        fix: "Use staleness = \"warn\", or set execution.max_wip = 1"))
                }
            }
        }
        return errors
    }

    // MARK: Stage 2: workflow files exist

    func workflowErrors() -> [PreflightError] {
        var paths: Set<String> = []
        for pipeline in config.pipelines.values {
            for phase in pipeline.allPhases { paths.formUnion(phase.workflows) }
        }
        return paths.sorted().compactMap { path in
            let resolved = loaded.resolve(workflowPath: path)
            guard !FileIO.exists(resolved) else { return nil }
            return PreflightError(condition: "Workflow file not found: \(path)",
                                  location: "\(Self.file) → pipelines → workflows",
                                  fix: "Create the workflow file at \(path) or update the path")
        }
    }

    // MARK: Stage 3: in-flight items reference real pipelines and phases

    func itemErrors(_ items: [StoreItem]) -> [PreflightError] {
        var errors: [PreflightError] = []
        for item in items where item.pgStatus == .inProgress || item.pgStatus == .scoping {
            let type = item.pipelineType ?? PipelineConfig.defaultName
            guard let pipeline = config.pipelines[type] else {
                errors.append(PreflightError(condition: "Item \(item.id) references unknown pipeline type \"\(type)\"",
                                             location: "items → \(item.id) → pipeline_type",
                                             fix: "Add a [pipelines.\(type)] section to \(Self.file) or update the item's pipeline_type"))
                continue
            }
            guard let phase = item.phase else { continue }
            let inPre = pipeline.isPrePhase(phase)
            let inMain = pipeline.isMainPhase(phase)
            guard inPre || inMain else {
                errors.append(PreflightError(condition: "Item \(item.id) references unknown phase \"\(phase)\" in pipeline \"\(type)\"",
                                             location: "items → \(item.id) → phase",
                                             fix: "Update the item's phase to a valid phase name in the \"\(type)\" pipeline"))
                continue
            }
            if let pool = item.phasePool {
                let actual: PhasePool = inPre ? .pre : .main
                if pool != actual {
                    errors.append(PreflightError(
                        condition: "Item \(item.id) has phase_pool \(pool.debugName) but phase \"\(phase)\" is in \(actual.debugName)",
                        location: "items → \(item.id) → phase_pool",
                        fix: "Update phase_pool to \(actual.debugName) to match the phase's location in the pipeline"))
                }
            }
        }
        return errors
    }

    // MARK: Stage 4: ids that cannot be part of a file name, and duplicate ids

    func unsafeIDErrors(_ items: [StoreItem]) -> [PreflightError] {
        items.filter { !SafeFileName.isSafe($0.id) }.map { item in
            PreflightError(condition: "Item id \"\(SafeFileName.displayed(item.id))\" cannot be used in a file name",
                           location: ".task-golem/tasks.jsonl → items",
                           fix: "Give the item an id of letters, digits and '-' (like WRK-a1b2c), or remove it")
        }
    }

    func duplicateErrors(_ items: [StoreItem]) -> [PreflightError] {
        var positions: [String: [Int]] = [:]
        var order: [String] = []
        for (index, item) in items.enumerated() {
            if positions[item.id] == nil { order.append(item.id) }
            positions[item.id, default: []].append(index)
        }
        return order.compactMap { id in
            guard let indices = positions[id], indices.count > 1 else { return nil }
            return PreflightError(condition: "Duplicate item ID \"\(id)\" found at indices [\(indices.map(String.init).joined(separator: ", "))]",
                                  location: "BACKLOG.yaml → items",
                                  fix: "Remove or rename the duplicate item so each ID is unique")
        }
    }

    // MARK: Stage 5: dependency graph

    func dependencyErrors(_ items: [StoreItem], archivedIDs: Set<String>) -> [PreflightError] {
        var errors: [PreflightError] = []
        let activeIDs = Set(items.map(\.id))
        for item in items {
            for dependency in item.dependencies where !activeIDs.contains(dependency) && !archivedIDs.contains(dependency) {
                errors.append(PreflightError(
                    condition: "Item '\(item.id)' depends on '\(dependency)' which does not exist in the backlog",
                    location: "items → \(item.id) → dependencies",
                    fix: "Remove '\(dependency)' from \(item.id)'s dependencies, or add the missing item to the backlog"))
            }
        }
        for cycle in Self.cycles(in: items) {
            let members = Array(cycle.dropLast())
            errors.append(PreflightError(
                condition: "Circular dependency detected: \(cycle.joined(separator: " → "))",
                location: "BACKLOG.yaml → items → dependencies",
                fix: "Remove one dependency in the cycle to break it: \(members.joined(separator: ", "))"))
        }
        return errors
    }

    /// Cycles among non-Done items, by three-colour depth-first search in store order; each
    /// cycle is listed from its first member back to it (`A → B → A`).
    static func cycles(in items: [StoreItem]) -> [[String]] {
        var edges: [String: [String]] = [:]
        var nodes: [String] = []
        for item in items where item.pgStatus != .done && edges[item.id] == nil {
            nodes.append(item.id)
            edges[item.id] = item.dependencies
        }
        enum Colour { case white, grey, black }
        var colour: [String: Colour] = [:]
        var found: [[String]] = []
        // Iterative, so a long dependency chain cannot overflow the stack.
        for root in nodes where (colour[root] ?? .white) == .white {
            var path: [String] = [root]
            var nextEdge: [Int] = [0]
            colour[root] = .grey
            while let node = path.last, let position = nextEdge.last {
                let targets = edges[node] ?? []
                if position == targets.count {
                    colour[node] = .black
                    path.removeLast()
                    nextEdge.removeLast()
                    continue
                }
                nextEdge[nextEdge.count - 1] += 1
                let next = targets[position]
                guard edges[next] != nil else { continue }
                switch colour[next] ?? .white {
                case .white:
                    colour[next] = .grey
                    path.append(next)
                    nextEdge.append(0)
                case .grey:
                    if let start = path.firstIndex(of: next) { found.append(Array(path[start...]) + [next]) }
                case .black:
                    break
                }
            }
        }
        return found
    }
}
