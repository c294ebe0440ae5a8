import PhaseGolemCore

/// Where command output goes: results to stdout, diagnostics to stderr.
enum Output {
    static func stdout(_ text: String) {
        var bytes = Array(text.utf8)
        if !text.hasSuffix("\n") { bytes.append(0x0A) }
        try? FileIO.writeAll(1, bytes, path: "standard output")
    }

    static func stderr(_ line: String) {
        Logger.standardError(line)
    }
}
