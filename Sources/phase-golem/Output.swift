import PhaseGolemCore

/// Where command output goes: results to stdout, diagnostics to stderr.
enum Output {
    static func stdout(_ text: String) {
        var bytes = Array(text.utf8)
        if !text.hasSuffix("\n") { bytes.append(0x0A) }
        try? FileIO.writeAll(1, bytes, path: "standard output")
    }

    /// Output that already ends in a newline, written from its own buffer (a 100k-row table is 12 MB).
    static func stdout(bytes: [UInt8]) {
        try? FileIO.writeAll(1, bytes, path: "standard output")
    }

    static func stderr(_ line: String) {
        Logger.standardError(line)
    }
}
