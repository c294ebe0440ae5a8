#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Minimal POSIX file access for the loader, so the config layer does not pull in Foundation.
enum ConfigFile {
    /// Whether something exists at `path`, following symlinks like Rust's `Path::exists`.
    ///
    /// Only "no such entry" counts as missing; any other `stat` failure (say, a permission
    /// problem) is left for the read to report with its real reason.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        if stat(path, &info) == 0 { return true }
        return errno != ENOENT && errno != ENOTDIR
    }

    /// The file's contents as UTF-8 text; the error string mimics Rust's `io::Error` display.
    static func readText(_ path: String) -> Result<String, ReadFailure> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadFailure(errno: errno)) }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(errno: errno))
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(ReadFailure(reason: "stream did not contain valid UTF-8"))
        }
        return .success(text)
    }

    /// Why a read failed, worded like Rust's `io::Error` (`Permission denied (os error 13)`).
    struct ReadFailure: Error {
        var reason: String

        init(reason: String) {
            self.reason = reason
        }

        init(errno code: Int32) {
            let message = strerror(code).map { String(cString: $0) } ?? "Unknown error"
            self.reason = "\(message) (os error \(code))"
        }
    }
}
