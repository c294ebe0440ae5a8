#if canImport(Glibc)
import Glibc
#endif

/// The binary this process runs.
public enum SelfExecutable {
    /// Its path from `/proc/self/exe`, or the first argument where that cannot be read.
    public static var path: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
