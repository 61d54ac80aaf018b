public import Crypto

/// SHA-256 through swift-crypto, in the shapes expctl uses: digests of plans, states and job
/// inputs as 64 lowercase hex digits, and a hasher for bytes that arrive in pieces (a dataset
/// file being written, the assignment hash). Named apart from `Crypto.SHA256` so that a file
/// may import both.
public enum ContentHash {
    /// The digest of `text`'s UTF-8 bytes as 64 lowercase hex digits.
    public static func hex(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hex(bytes: $0) }
    }

    /// Whether `text` is a digest as `hex` writes it: 64 lowercase hex digits.
    public static func isHexDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    public static func hex(bytes: UnsafeBufferPointer<UInt8>) -> String {
        var hasher = Hasher()
        hasher.update(UnsafeRawBufferPointer(bytes))
        return hasher.finalizeHex()
    }

    /// Bytes as lowercase hex digits.
    public static func hexDigits<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var output = [UInt8]()
        output.reserveCapacity(64)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// SHA-256 over bytes that arrive in pieces, such as a file being written.
    public struct Hasher: Sendable {
        private var hash = Crypto.SHA256()

        public init() {}

        public mutating func update(_ bytes: UnsafeRawBufferPointer) { hash.update(bufferPointer: bytes) }

        public mutating func update(_ bytes: [UInt8]) { hash.update(data: bytes) }

        /// The 32 bytes of the digest. The hasher is spent afterwards.
        public mutating func finalize() -> [UInt8] { Array(hash.finalize()) }

        /// `finalize()` as 64 lowercase hex digits.
        public mutating func finalizeHex() -> String { ContentHash.hexDigits(hash.finalize()) }
    }
}
