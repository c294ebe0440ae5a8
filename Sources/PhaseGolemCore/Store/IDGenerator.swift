/// Random item ids in phase-golem's format.
public enum IDGenerator {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `{prefix}-{5 lowercase hex}`: three random bytes, hex-encoded, cut to five characters.
    ///
    /// Hex rather than task-golem 0.2's Crockford base32, so the original phase-golem can still
    /// target the ids we create.
    public static func hexID(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var suffix: [UInt8] = []
        for _ in 0..<3 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            suffix.append(hexDigits[Int(byte >> 4)])
            suffix.append(hexDigits[Int(byte & 0x0F)])
        }
        return prefix + "-" + String(decoding: suffix.prefix(5), as: UTF8.self)
    }
}
