import Foundation
import Testing
@testable import PhaseGolemCore

/// Random mutations of valid inputs for every parser that reads untrusted text: never a crash
/// or a hang, always a value or a clear error. `PHASE_GOLEM_FUZZ_CASES` sets the number of cases
/// per parser (default 3,000; the long run uses 100,000).
// A hang in a parser fails the suite instead of stalling CI (100,000 cases take under a minute each).
@Suite("fuzz: parsers", .timeLimit(.minutes(10)))
struct FuzzTests {
    static let cases = Int(ProcessInfo.processInfo.environment["PHASE_GOLEM_FUZZ_CASES"] ?? "") ?? 3_000

    /// A small deterministic generator, so a failure can be replayed from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let interesting: [[UInt8]] = [
        Array("\"".utf8), Array("\\".utf8), Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8),
        Array(",".utf8), Array(":".utf8), Array("null".utf8), Array("1e999".utf8), Array("-0".utf8), [0], [0xFF], [0xC0, 0x80],
        [0xED, 0xA0, 0x80], Array("\\u0000".utf8), Array("\\ud800".utf8), Array("=".utf8), Array("\n".utf8), Array("x-".utf8),
        Array("\u{1B}[2J".utf8), Array("..".utf8), Array("/".utf8), Array(" ".utf8),
    ]

    /// One random edit: flip, insert, delete, duplicate a span, or splice in a token.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3 where !bytes.isEmpty:
                let end = min(bytes.count, position + Int.random(in: 1...16, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            default:
                bytes.insert(contentsOf: interesting.randomElement(using: &rng) ?? [], at: position)
            }
        }
        return bytes
    }

    /// Yields now and then: these loops are long and CPU-bound, and on a 2-core machine they
    /// would otherwise hold Swift's cooperative threads away from the suites running beside them.
    ///
    /// `body` says whether the input was accepted, rejected with a clear error, or failed a
    /// check (which it has recorded as an issue); the figure line counts the first two and is
    /// printed only when no case failed.
    ///
    /// The cases run on a thread of their own at the lowest priority, not on Swift's cooperative
    /// pool: the pool has a thread per core, and seven suites of CPU-bound cases on it starved the
    /// timing-sensitive tests beside them (a 30 s await, a publisher that never got to run); on
    /// threads of normal priority they starved the agent-runner tests instead.
    static func run(_ label: String, seed: UInt64, corpus: [String], _ body: @escaping @Sendable ([UInt8]) -> Verdict) async {
        let seeds = corpus.map { Array($0.utf8) }
        let cases = Self.cases
        let start = ContinuousClock.now
        let (accepted, bad) = await BlockingThread.run { () -> (Int, Int) in
            // At the lowest priority: seven of these at once must not starve the tests that
            // wait on processes and clocks beside them. On Linux `who = 0` is this thread alone
            // (nice is per thread there; man 2 setpriority, NOTES).
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            var rng = SplitMix(state: seed)
            var accepted = 0
            var bad = 0
            for _ in 0..<cases {
                switch body(mutate(seeds.randomElement(using: &rng) ?? [], &rng)) {
                case .accepted: accepted += 1
                case .rejected: break
                case .bad: bad += 1
                }
            }
            return (accepted, bad)
        }
        guard bad == 0 else { return }
        let seconds = Double((ContinuousClock.now - start).components.seconds)
            + Double((ContinuousClock.now - start).components.attoseconds) / 1e18
        print("fuzz \(label): \(cases) mutated cases (seed \(seed)) in \(String(format: "%.1f", seconds)) s: "
            + "\(accepted) accepted, \(cases - accepted) rejected with a clear error, no crash or hang")
    }

    /// What one fuzz case came to.
    enum Verdict {
        case accepted, rejected
        /// A check failed; the issue is recorded.
        case bad
    }

    /// Records an issue unless `ok`, and returns `ok`, so a body can tell `run` a case failed.
    static func check(_ ok: Bool, _ comment: @autoclosure () -> Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        #expect(ok, comment(), sourceLocation: sourceLocation)
        return ok
    }

    /// The fixture store's lines; a missing or empty fixture fails the test instead of fuzzing nothing.
    static func storeCorpus() throws -> [String] {
        let fixture = try Fixtures.root() + "/phase-golem-store/.task-golem/tasks.jsonl"
        let lines = try String(contentsOfFile: fixture, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(!lines.isEmpty, "\(fixture) has no lines")
        return lines
    }

    @Test("store lines: parsed or rejected as malformed / invalid extension")
    func storeLines() async throws {
        await Self.run("store lines", seed: 1, corpus: try Self.storeCorpus()) { bytes in
            let item: StoreItem
            do throws(ItemLineError) {
                item = try StoreItem.parse(line: bytes[...])
            } catch {
                switch error {
                case .malformed(let message), .invalidExtension(let message): return Self.check(!message.isEmpty) ? .rejected : .bad
                }
            }
            // Whatever was accepted must serialize to something that parses back the same.
            // (canonical form is a fixed point: serializing the re-read item changes nothing)
            let line = item.canonicalLine(dialect: .v02)
            do throws(ItemLineError) {
                let again = try StoreItem.parse(line: line)
                return Self.check(again.canonicalLine(dialect: .v02) == line) ? .accepted : .bad
            } catch {
                Issue.record("an accepted item's canonical line does not parse: \(error): \(line)")
                return .bad
            }
        }
    }

    @Test("whole store files: strict parse fails with a located error, lenient parse never throws on item lines")
    func storeFiles() async throws {
        let corpus = [try Self.storeCorpus().joined(separator: "\n") + "\n"]
        await Self.run("store files", seed: 2, corpus: corpus) { bytes in
            var verdict = Verdict.accepted
            do throws(StoreError) {
                _ = try StoreFileFormat.parse(bytes, path: "tasks.jsonl", strict: true)
            } catch {
                verdict = Self.check(error.description.contains("tasks.jsonl")) ? .rejected : .bad
            }
            do throws(StoreError) {
                _ = try StoreFileFormat.parse(bytes, path: "archive.jsonl", strict: false)
            } catch {
                // Only the header can fail a lenient read.
                if !Self.check(error.description.contains("line 1") || error.description.contains("schema")) { verdict = .bad }
            }
            return verdict
        }
    }

    @Test("agent result files: a result or a 'Failed to parse result JSON' error")
    func resultFiles() async {
        let corpus = [
            #"{"item_id":"WRK-1","phase":"build","result":"phase_complete","summary":"ok","context":null,"updated_assessments":{"size":"small","risk":"low"},"follow_ups":["a",{"title":"b","suggested_size":"large"}],"duplicates":["WRK-2"],"description":{"context":"c"}}"#,
            #"{"item_id":"WRK-1","phase":"triage","result":"blocked","summary":"s","pipeline_type":"feature","commit_summary":"x"}"#,
        ]
        await Self.run("result files", seed: 3, corpus: corpus) { bytes in
            do throws(AgentError) {
                _ = try PhaseResult.parse(bytes: bytes, path: "r.json")
                return .accepted
            } catch {
                return Self.check(error.description.hasPrefix("Failed to parse result JSON from r.json")) ? .rejected : .bad
            }
        }
    }

    @Test("--only filters: a filter or one of the documented messages")
    func filters() async {
        let corpus = ["status=ready,in_progress", "impact=high", "size=s,m", "tag=key=value", "pipeline_type=feature", "risk=low,MEDIUM"]
        await Self.run("--only filters", seed: 4, corpus: corpus) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            do throws(ItemFilter.ParseError) {
                _ = try ItemFilter.parse([text])
                return .accepted
            } catch {
                return Self.check(!error.description.isEmpty) ? .rejected : .bad
            }
        }
    }

    @Test("target ids: anything with /, .., spaces, NUL or control characters is rejected")
    func targets() async {
        let corpus = ["WRK-a1b2c", "tg-1rh14", "HAMY-5c0f8"]
        await Self.run("target ids", seed: 5, corpus: corpus) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let errors = TargetValidation.validate([text], activeIDs: [text])
            guard errors.isEmpty else {
                return Self.check(errors.allSatisfy { !$0.isEmpty && !$0.contains("\n") }) ? .rejected : .bad
            }
            let plain = Self.check(!text.contains("/") && !text.contains("..") && !text.contains(" "))
            let safe = Self.check(text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" })
            return plain && safe ? .accepted : .bad
        }
    }

    /// Inputs that made toml++ abort the process (a C++ assertion, in release builds too)
    /// before the precheck existed; each must now be a located syntax error.
    @Test("config inputs that used to abort the TOML library are syntax errors", arguments: [
        "[..execution]\nmax_wip = 1\n",
        "[\u{1B}[2Jguardrails]\n",
        "[project]\nprefix = \"A\"\n[\u{E2}project]\n",
        "[pipelines.f]\nphases = [\n { name = \"a\" },},\n]\n",
        "[project]\n[\nprefix = \"A\"\n",
        "[\rproject]\n",
    ])
    func formerAborts(_ text: String) {
        do throws(ConfigError) {
            _ = try ConfigLoader.parse(text, path: "bad.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix("Failed to parse bad.toml: "))
            #expect(error.description.contains("(line "))
        }
    }

    /// toml++ asserts (aborting the process) on some malformed input; `TOMLPrecheck` must
    /// turn every such input into a syntax error before it gets there.
    @Test("config files: a config or an error naming the file")
    func configs() async throws {
        let example = try String(contentsOfFile: Fixtures.root() + "/phase-golem.example.toml", encoding: .utf8)
        let real = try String(contentsOfFile: Fixtures.root() + "/task-golem-phase-golem.toml", encoding: .utf8)
        await Self.run("TOML configs", seed: 6, corpus: [example, real]) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            // FUZZ_TRACE (this test's own debugging switch): writes each case first, so an abort leaves its input in /tmp/fuzz-last.toml.
            if ProcessInfo.processInfo.environment["FUZZ_TRACE"] != nil {
                try? Data(bytes).write(to: URL(fileURLWithPath: "/tmp/fuzz-last.toml"))
            }
            do throws(ConfigError) {
                _ = try ConfigLoader.parse(text, path: "fuzz.toml")
                return .accepted
            } catch {
                return Self.check(error.description.contains("fuzz.toml") || error.description.hasPrefix("Config validation failed")) ? .rejected : .bad
            }
        }
    }
}
