// ObjectID: a git object ID as a small Swift value, and its conversion to and from libgit2's `git_oid`.
import CGit2

/// A git object ID (SHA-1).
///
/// The 20 bytes live in three integers rather than in libgit2's 20-tuple, so `Hashable` is
/// synthesized and hashing or comparing an ID is a few integer operations: IDs are dictionary
/// keys in the tree cache.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    // The bytes in order, read big-endian: bytes 0–7, 8–15 and 16–19.
    private var high: UInt64
    private var middle: UInt64
    private var low: UInt32

    /// The id as three words, for compact conversions (`GitDesiredStateSource`).
    var words: (high: UInt64, middle: UInt64, low: UInt32) { (high, middle, low) }

    init(high: UInt64, middle: UInt64, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// Parses 40 hexadecimal digits (either case); nil for anything else, including abbreviations.
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var high: UInt64 = 0
        var middle: UInt64 = 0
        var low: UInt32 = 0
        for (index, character) in hex.utf8.enumerated() {
            guard let nibble = Self.nibble(of: character) else { return nil }
            switch index {
            case 0..<16: high = high << 4 | UInt64(nibble)
            case 16..<32: middle = middle << 4 | UInt64(nibble)
            default: low = low << 4 | UInt32(nibble)
            }
        }
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// The 40 lowercase hexadecimal digits.
    public var hex: String {
        String(unsafeUninitializedCapacity: 40) { buffer in
            var position = 0
            func append(_ value: UInt64, digits: Int) {
                for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                    buffer[position] = Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                    position += 1
                }
            }
            append(high, digits: 16)
            append(middle, digits: 16)
            append(UInt64(low), digits: 8)
            return position
        }
    }

    /// The first 7 hexadecimal digits, as `git log --oneline` shows them; for messages.
    public var abbreviated: String { String(hex.prefix(7)) }

    public var description: String { hex }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func nibble(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: - libgit2

extension ObjectID {
    init(_ oid: git_oid) {
        (high, middle, low) = withUnsafeBytes(of: oid.id) { bytes in
            (
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            )
        }
    }

    /// The ID as libgit2 takes it; pass `&oid` of a local copy to a `const git_oid *` parameter.
    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { bytes in
            bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: middle.bigEndian, toByteOffset: 8, as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }
}
