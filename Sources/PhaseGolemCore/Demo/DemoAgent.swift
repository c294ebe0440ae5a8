#if canImport(Glibc)
import Glibc
#endif

/// The scripted agent behind `phase-golem demo`: it follows the result-file contract like a
/// real agent (progress on stdout, an artifact in the change folder, a JSON result), takes a
/// second or so per phase, and says in every summary that it is a demo.
public struct DemoAgent {
    public let environment: [String: String]
    public let prompt: String

    public init(environment: [String: String], prompt: String) {
        self.environment = environment
        self.prompt = prompt
    }

    /// Seconds per step; `PHASE_GOLEM_DEMO_SPEED=0` makes tests instant.
    var stepSeconds: Double {
        Double(environment["PHASE_GOLEM_DEMO_SPEED"] ?? "") ?? 0.4
    }

    /// Runs one phase; returns the process exit code.
    public func run() -> Int32 {
        guard let itemID = environment["PHASE_GOLEM_ITEM_ID"], let phase = environment["PHASE_GOLEM_PHASE"],
              let resultPath = environment["PHASE_GOLEM_RESULT_PATH"] else {
            Logger.writeLine("demo-agent: run me through phase-golem (PHASE_GOLEM_* variables are missing)", to: 2)
            return 2
        }
        let title = Self.title(in: prompt) ?? itemID
        let steps = phase == "triage"
            ? ["reading \(itemID): \(title)", "checking the backlog for duplicates", "sizing the change"]
            : ["reading the \(phase) workflow", "working on \(title)", "writing the \(phase) notes", "checking the result"]
        for (index, step) in steps.enumerated() {
            Logger.writeLine("[demo-agent] \(phase) \(index + 1)/\(steps.count): \(step)", to: 1)
            if stepSeconds > 0 { MonotonicClock.sleep(seconds: stepSeconds) }
        }
        let result: JSONValue
        if phase == "triage" {
            result = triageResult(itemID: itemID, title: title)
        } else {
            if let folder = environment["PHASE_GOLEM_CHANGE_FOLDER"], !folder.isEmpty {
                let notes = "# \(phase.capitalized) notes for \(itemID)\n\n\(title)\n\nWritten by the phase-golem demo agent, a script: no AI was involved.\n"
                try? FileIO.writeAtomically(FileIO.join(folder, "\(phase).md"), chunks: [Array(notes.utf8)])
            }
            result = .object([
                JSONMember("item_id", .string(itemID)),
                JSONMember("phase", .string(phase)),
                JSONMember("result", .string("phase_complete")),
                JSONMember("summary", .string("Demo agent (scripted, no AI): wrote \(phase).md for \"\(title)\"")),
                JSONMember("commit_summary", .string("Demo: \(phase) notes for \(itemID)")),
            ])
        }
        do {
            try FileIO.writeAtomically(resultPath, chunks: [Array(JSONWriter.canonicalString(result).utf8)])
        } catch {
            Logger.writeLine("demo-agent: cannot write \(resultPath): \(error)", to: 2)
            return 1
        }
        return 0
    }

    private func triageResult(itemID: String, title: String) -> JSONValue {
        if title.lowercased().contains(DemoProject.blockingMarker) {
            let reason = "Demo agent (scripted): a legal sign-off is needed before anyone works on this; a human must decide."
            return .object([
                JSONMember("item_id", .string(itemID)),
                JSONMember("phase", .string("triage")),
                JSONMember("result", .string("blocked")),
                JSONMember("summary", .string("Demo agent (scripted): needs a human decision")),
                JSONMember("context", .string(reason)),
            ])
        }
        return .object([
            JSONMember("item_id", .string(itemID)),
            JSONMember("phase", .string("triage")),
            JSONMember("result", .string("phase_complete")),
            JSONMember("summary", .string("Demo agent (scripted, no AI): small, low-risk change, straight to Ready")),
            JSONMember("pipeline_type", .string("feature")),
            JSONMember("updated_assessments", .object([
                JSONMember("size", .string("small")), JSONMember("complexity", .string("low")),
                JSONMember("risk", .string("low")), JSONMember("impact", .string("medium")),
            ])),
        ])
    }

    /// The item title from the prompt's `- **Title:** …` line.
    static func title(in prompt: String) -> String? {
        for line in prompt.split(separator: "\n") where line.hasPrefix("- **Title:** ") {
            return String(line.dropFirst("- **Title:** ".count))
        }
        return nil
    }
}
