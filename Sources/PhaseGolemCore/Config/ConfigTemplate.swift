/// The `phase-golem.toml` that `init` writes (docs/compatibility.md#other-commands).
public enum ConfigTemplate {
    /// The template text with `prefix` as the project prefix.
    ///
    /// It spells out every default so users can see what they are tuning, and differs from the
    /// built-in pipeline only in the build workflow, as the original's template does.
    public static func initTemplate(prefix: String) -> String {
        #"""
        [project]
        prefix = "\#(basicString(prefix))"

        [guardrails]
        max_size = "medium"         # small, medium, large
        max_complexity = "medium"   # low, medium, high
        max_risk = "low"            # low, medium, high

        [execution]
        phase_timeout_minutes = 30      # Kill a phase after this many minutes
        max_retries = 2                 # Retry a failed phase up to N times
        default_phase_cap = 100         # Default for `run --cap`: max phases per run
        max_wip = 1                     # Max items InProgress at once
        max_concurrent = 1              # Max phases executing in parallel
        auto_advance = false            # Targeted runs move on to the next target when one blocks
        circuit_breaker_threshold = 2   # Halt after this many failed phases in a row
        agent_retry_backoff_seconds = 30  # When the agent itself fails (API down, bad key): wait, doubling up to 300
        agent_failure_limit = 3         # Halt (AgentUnavailable) after this many agent failures in a row
        agent_failure_streak = 2        # Halt when items in a row block on agent crashes (put back); 0 = off

        [agent]
        # cli = "claude"          # AI CLI tool: "claude", "opencode", or "command"
        # model = ""              # Model override (e.g., "opus", "sonnet")
        # Any other agent program: the prompt is passed as its last argument.
        # cli = "command"
        # command = ["my-agent", "--flag"]

        [pipelines.feature]
        pre_phases = [
            { name = "research", workflows = [".claude/skills/changes/workflows/orchestration/research-scope.md"], is_destructive = false },
        ]
        phases = [
            { name = "prd",           workflows = [".claude/skills/changes/workflows/0-prd/create-prd.md"],                   is_destructive = false },
            { name = "tech-research", workflows = [".claude/skills/changes/workflows/1-tech-research/tech-research.md"],     is_destructive = false },
            { name = "design",        workflows = [".claude/skills/changes/workflows/2-design/design.md"],                     is_destructive = false },
            { name = "spec",          workflows = [".claude/skills/changes/workflows/3-spec/create-spec.md"],                  is_destructive = false },
            { name = "build",         workflows = [".claude/skills/changes/workflows/4-build/implement-spec-autonomous.md"],   is_destructive = true },
            { name = "review",        workflows = [".claude/skills/changes/workflows/5-review/change-review.md"],             is_destructive = false },
        ]

        """#
    }

    /// `text` escaped for a TOML basic string; `init` validates prefixes, but the template must
    /// stay parseable whatever it is given.
    private static func basicString(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
