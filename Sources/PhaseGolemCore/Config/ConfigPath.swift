#if canImport(Glibc)
import Glibc
#endif

/// String path helpers with the original's (Rust `Path`) semantics, kept free of Foundation.
public enum ConfigPath {
    /// `$HOME`, if set.
    public static func homeDirectory() -> String? {
        guard let value = getenv("HOME") else { return nil }
        return String(cString: value)
    }

    /// The parent directory of `path`, or `""` when it has no directory part (`phase-golem.toml`).
    ///
    /// Trailing and repeated slashes are ignored as Rust's `Path::parent` ignores them; the
    /// parent of a top-level entry (`/x.toml`) is `/`.
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        var parent = trimmed[..<slash]
        while parent.hasSuffix("/") { parent = parent.dropLast() }
        if parent.isEmpty { return path.hasPrefix("/") ? "/" : "" }
        return String(parent)
    }
}
