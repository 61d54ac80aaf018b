import Foundation

/// A file written through a large buffer: the dataset build appends millions of small pieces.
final class BufferedFile {
    let path: String
    private let handle: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private let capacity: Int
    private var closed = false

    init(path: String, capacity: Int = 1 << 20) throws(DatasetBuildError) {
        guard let handle = fopen(path, "wb") else {
            throw .fileSystem(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.handle = handle
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    deinit { if !closed { fclose(handle) } }

    func write(_ bytes: some Collection<UInt8>) throws(DatasetBuildError) {
        if buffer.count + bytes.count > capacity { try flush() }
        buffer.append(contentsOf: bytes)
    }

    func write(_ text: String) throws(DatasetBuildError) { try write(text.utf8) }

    /// Writes what is buffered, then closes the file; the data is on disk once this returns.
    func close() throws(DatasetBuildError) {
        try flush()
        closed = true
        guard fflush(handle) == 0, fsync(fileno(handle)) == 0, fclose(handle) == 0 else {
            throw .fileSystem(path: path, reason: String(cString: strerror(errno)))
        }
    }

    private func flush() throws(DatasetBuildError) {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == buffer.count else { throw .fileSystem(path: path, reason: String(cString: strerror(errno))) }
        buffer.removeAll(keepingCapacity: true)
    }
}
