/// Checks text bytes are UTF-8 without making a String: pyarrow reads invalid UTF-8 in a STRING
/// column without a word and fails only later, in `to_pylist` or pandas.
///
/// The well-formed sequences are those of the Unicode Standard's table 3-7: no overlong forms,
/// no surrogates (U+D800...U+DFFF), nothing above U+10FFFF. ASCII, most of a JSON text, is
/// skipped eight bytes at a time.
enum UTF8Validation {
    /// The offset of the first byte of the first ill-formed sequence; nil when all is UTF-8.
    static func firstInvalidOffset(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        while index < count {
            if index + 8 <= count,
                base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
                continue
            }
            let lead = base.load(fromByteOffset: index, as: UInt8.self)
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let length = sequenceLength(at: index, lead: lead, base: base, count: count) else { return index }
            index += length
        }
        return nil
    }

    /// The length of the well-formed multi-byte sequence that starts with `lead`, or nil.
    private static func sequenceLength(at index: Int, lead: UInt8, base: UnsafeRawPointer, count: Int) -> Int? {
        // The allowed range of the second byte depends on the lead; later bytes are 80...BF.
        let length: Int
        let second: ClosedRange<UInt8>
        switch lead {
        case 0xC2...0xDF: (length, second) = (2, 0x80...0xBF)
        case 0xE0: (length, second) = (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (length, second) = (3, 0x80...0xBF)
        case 0xED: (length, second) = (3, 0x80...0x9F)
        case 0xF0: (length, second) = (4, 0x90...0xBF)
        case 0xF1...0xF3: (length, second) = (4, 0x80...0xBF)
        case 0xF4: (length, second) = (4, 0x80...0x8F)
        default: return nil
        }
        guard index + length <= count, second.contains(base.load(fromByteOffset: index + 1, as: UInt8.self)) else {
            return nil
        }
        for offset in 2..<length where base.load(fromByteOffset: index + offset, as: UInt8.self) & 0xC0 != 0x80 {
            return nil
        }
        return length
    }
}
