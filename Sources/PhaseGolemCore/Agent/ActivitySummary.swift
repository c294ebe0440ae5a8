/// Short figures for operators: `3m12s`, `$0.84`, `412k tokens, 380k cached`.
///
/// Shared by the activity end line, the plain `[cost]` lines and the TUI, so a figure reads
/// the same everywhere. A figure that is unknown is left out, never shown as zero.
public enum ActivitySummary {
    /// `14 turns`, `3m12s`, `$0.84`, `412k tokens, 380k cached`, each when known.
    public static func figures(_ facts: AgentRunFacts) -> [String] {
        var parts: [String] = []
        if let turns = facts.turns { parts.append(turns == 1 ? "1 turn" : "\(turns) turns") }
        if let duration = facts.durationMs { parts.append(self.duration(milliseconds: duration)) }
        if let cost = facts.costUSD { parts.append(self.cost(cost)) }
        if let tokens = self.tokens(facts) { parts.append(tokens) }
        return parts
    }

    /// `412k tokens, 380k cached` (cached = read from the prompt cache), or nil when unknown.
    public static func tokens(_ facts: AgentRunFacts) -> String? {
        guard let total = facts.totalTokens else { return nil }
        var text = count(total) + " tokens"
        if let cached = facts.cacheReadTokens, cached > 0 { text += ", " + count(cached) + " cached" }
        return text
    }

    /// `$0.84`, or `≥$0.84` when that is only what the phases that reported a cost spent (some
    /// did not; `>=` without Unicode); nil when no cost is known at all. For the TUI, where
    /// columns are few.
    public static func spend(_ facts: AgentRunFacts, unicode: Bool = true) -> String? {
        if let cost = facts.costUSD { return self.cost(cost) }
        return facts.costFloorUSD.map { (unicode ? "≥" : ">=") + self.cost($0) }
    }

    /// `$0.84`; amounts under a cent keep three decimals (`$0.004`), large ones none (`$123`).
    public static func cost(_ usd: Double) -> String {
        guard usd.isFinite else { return "$?" }
        if usd >= 100 { return "$" + String(Int64(usd.rounded())) }
        if usd > 0 && usd < 0.01 {
            let thousandths = Int64((usd * 1000).rounded())
            return thousandths == 0 ? "<$0.001" : "$0.00" + String(thousandths)
        }
        let cents = Int64((usd * 100).rounded())
        let fraction = cents % 100
        return "$" + String(cents / 100) + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// `950`, `4.1k`, `412k`, `1.2M`, `12M`.
    public static func count(_ value: Int) -> String {
        if value < 1000 { return String(value) }
        if value < 10_000 { return oneDecimal(value, 1000) + "k" }
        if value < 1_000_000 { return String((value + 500) / 1000) + "k" }
        if value < 10_000_000 { return oneDecimal(value, 1_000_000) + "M" }
        return String((value + 500_000) / 1_000_000) + "M"
    }

    /// `42s`, `3m12s`, `1h05m`.
    public static func duration(milliseconds: Int) -> String {
        let seconds = max(0, (milliseconds + 500) / 1000)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + pad(seconds % 60) + "s" }
        return "\(seconds / 3600)h" + pad(seconds % 3600 / 60) + "m"
    }

    private static func oneDecimal(_ value: Int, _ unit: Int) -> String {
        let tenths = (value * 10 + unit / 2) / unit
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
