#if canImport(Glibc)
import Glibc
#endif

/// Appends bytes to a file descriptor through a fixed-size buffer.
///
/// An agent can print hundreds of thousands of short lines; one `write(2)` per line would
/// cost more than the agent itself. The buffer never grows beyond its capacity. After the
/// first failed write it stops writing and keeps the error, so a full disk costs one warning,
/// not one per line.
final class BufferedFileWriter {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8]
    private let capacity: Int
    /// The first write error, phrased for an operator.
    private(set) var failure: String?

    init(fd: Int32, path: String, capacity: Int = 64 * 1024) {
        self.fd = fd
        self.path = path
        self.capacity = capacity
        buffer = []
        buffer.reserveCapacity(capacity)
    }

    /// Opens (creating parent directories, truncating) a file for writing.
    static func create(path: String) throws(FileIO.Failure) -> BufferedFileWriter {
        try FileIO.makeDirectories(FileIO.parentDirectory(of: path))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw FileIO.failure("create", path) }
        return BufferedFileWriter(fd: fd, path: path)
    }

    /// Bytes handed to `append` so far: where the next one lands in the file.
    private(set) var position = 0

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        position += bytes.count
        if buffer.count + bytes.count > capacity { flush() }
        if bytes.count >= capacity {
            writeDirectly(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    func append(byte: UInt8) {
        withUnsafeBytes(of: byte) { append($0) }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        buffer.withUnsafeBytes { writeDirectly($0) }
    }

    /// Flushes and closes the file.
    func close() {
        flush()
        _ = Glibc.close(fd)
    }

    private func writeDirectly(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count, failure == nil {
            let written = write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = "Failed to write \(path): \(String(cString: strerror(errno)))"
            } else {
                offset += written
            }
        }
    }
}
