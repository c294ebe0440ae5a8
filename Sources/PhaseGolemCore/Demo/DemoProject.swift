/// A throw-away project for `phase-golem demo`: a git repository with a short real pipeline,
/// its workflow files, a backlog of six items and the bundled scripted agent as the agent.
public struct DemoProject: Sendable {
    public let root: String

    /// The items, in backlog order; the first three are the demo's targets, and the second of
    /// those is one the demo agent refuses to decide alone (it blocks at triage).
    public static let titles = [
        "Add a dark mode toggle to the settings page",
        "Update the privacy policy (needs legal sign-off)",
        "Fix the flaky login test",
        "Cache the product catalogue",
        "Write onboarding docs for new contributors",
        "Upgrade the logging library",
    ]

    /// The phrase the demo agent blocks on.
    public static let blockingMarker = "legal"

    public init(root: String) {
        self.root = root
    }

    static let config = """
        # phase-golem demo project: everything here is scripted, no AI account is involved.
        [project]
        prefix = "DEMO"

        [execution]
        phase_timeout_minutes = 2
        max_retries = 1

        [agent]
        cli = "command"
        command = [AGENT]

        [pipelines.feature]
        pre_phases = [{ name = "research", workflows = ["workflows/research.md"] }]
        phases = [
            { name = "design", workflows = ["workflows/design.md"] },
            { name = "build", workflows = ["workflows/build.md"], is_destructive = true },
            { name = "review", workflows = ["workflows/review.md"] },
        ]

        """

    static let workflows: [(String, String)] = [
        ("research", "Read the item, look at the code it touches, and write down what is in scope and what is not."),
        ("design", "Describe the change: the parts it touches, the approach, and the risks."),
        ("build", "Implement the design, with tests. Commit nothing yourself: phase-golem commits the phase output."),
        ("review", "Review the change against the design and the tests; list anything left to do."),
    ]

    /// Creates the project and returns the ids of the demo's targets, in run order.
    /// - Parameter agent: the command line of the demo agent (this binary and `demo-agent`).
    public func create(agent: [String]) throws -> [String] {
        guard FileIO.isDirectory(root) || !FileIO.exists(root) else {
            throw OperationError("\(root) exists and is not a directory. Choose another --dir")
        }
        try FileIO.makeDirectories(FileIO.join(root, "workflows"))
        if FileIO.exists(FileIO.join(root, ".git")) || FileIO.exists(FileIO.join(root, "phase-golem.toml")) {
            throw OperationError("\(root) already holds a project. Give --dir an empty or new folder")
        }
        let git = Git(root: root)
        try git.run(["init", "-q", "-b", "main"])
        try git.run(["config", "user.name", "phase-golem demo"])
        try git.run(["config", "user.email", "demo@phase-golem.invalid"])
        let agentList = agent.map { "\"\($0)\"" }.joined(separator: ", ")
        try write("phase-golem.toml", Self.config.replacingFirst("AGENT", with: agentList))
        for (name, text) in Self.workflows {
            try write("workflows/\(name).md", "# \(name.capitalized) (demo workflow)\n\n\(text)\n")
        }
        try write("README.md", "# Demo project\n\nCreated by `phase-golem demo`. The agent is scripted: nothing here was written by an AI.\n")
        try write(".gitignore", ".phase-golem/\n")
        let initializer = ProjectInitializer(root: root, prefix: "DEMO")
        _ = try initializer.run()
        var ids: [String] = []
        let store = TaskStore(root: root)
        let base = Timestamp.now()
        try store.update { transaction in
            for (offset, title) in Self.titles.enumerated() {
                let id = try transaction.generateID(prefix: "DEMO", avoiding: Set(ids))
                let created = Timestamp(seconds: base.seconds + Int64(offset), nanoseconds: 0)
                var item = StoreItem(id: id, title: title, now: created)
                item.setPGStatus(.new, now: created)
                transaction.items.append(item)
                ids.append(id)
            }
        }
        try git.run(["add", "-A"])
        try git.run(["commit", "-q", "-m", "Demo project: backlog, pipeline and workflows"])
        return Array(ids.prefix(3))
    }

    private func write(_ path: String, _ text: String) throws {
        try FileIO.writeAtomically(FileIO.join(root, path), chunks: [Array(text.utf8)])
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
