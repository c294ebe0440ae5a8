/// Whether a store or config value can become part of a file name.
///
/// Item ids and phase names end up in paths (`.phase-golem/phase_result_{id}_{phase}.json`,
/// the change folder, the attempt logs). The store is plain text that agents can edit, so an
/// id like `../../x` must never reach a path: it is refused before anything is written.
public enum SafeFileName {
    /// Letters, digits, `-`, `_` and `.`, not starting with `.`, at most 128 bytes.
    public static func isSafe(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 128, bytes[0] != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
            default: false
            }
        }
    }

    /// The value with control characters written as `\u{…}`, for a one-line message.
    public static func displayed(_ value: String) -> String {
        var text = ""
        for scalar in value.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                text += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
