import Foundation

/// Where a `ParquetWriter` puts the file's bytes, in order. The writer counts the bytes itself
/// for the offsets the footer records, so an output starts empty and takes every byte given.
public protocol ParquetOutput: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Called once by `ParquetWriter.finish()`, after the last byte.
    func close() throws
}

extension ParquetOutput {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// The file in memory, for tests and small files.
public final class ParquetMemoryOutput: ParquetOutput {
    public private(set) var bytes: [UInt8] = []
    public private(set) var isClosed = false

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }

    public func close() throws {
        isClosed = true
    }
}

/// A file on disk, created or truncated, written through a buffer so that the small pieces
/// (page headers, level prefixes) cost no system call each; large ones are written directly.
public final class ParquetFileOutput: ParquetOutput {
    public let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferSize: Int

    public init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        self.bufferSize = max(bufferSize, 1)
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw Self.failure("open", path) }
        buffer.reserveCapacity(self.bufferSize)
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw ParquetError.output(operation: "write", path: path, message: "closed") }
        if buffer.count + bytes.count > bufferSize { try flush() }
        if bytes.count >= bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Writes what is buffered and closes the file; the bytes are then in the kernel's hands
    /// (no fsync).
    public func close() throws {
        guard descriptor >= 0 else { return }
        defer { descriptor = -1 }
        do {
            try flush()
        } catch {
            _ = systemClose(descriptor)
            throw error
        }
        if systemClose(descriptor) != 0 { throw Self.failure("close", path) }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        guard var pointer = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = systemWrite(descriptor, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure("write", path)
            }
            pointer += written
            remaining -= written
        }
    }

    private static func failure(_ operation: String, _ path: String) -> ParquetError {
        .output(operation: operation, path: path, message: String(cString: strerror(errno)))
    }
}

// The class's own `write` and `close` hide the C functions of the same names inside it.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func systemClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
