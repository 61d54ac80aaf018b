/// Byte-level helpers shared by the adapters that keep secrets out of messages (the libpq and
/// libcurl ones): finding and replacing byte strings, and percent-encoding, so that a secret
/// is found however a library printed it. Pure.
public enum RedactionBytes {
    /// Every occurrence of `needle` in `bytes` replaced, left to right, without overlaps.
    public static func replaceAll(_ needle: [UInt8], with replacement: [UInt8], in bytes: inout [UInt8]) {
        var result: [UInt8] = []
        var index = 0
        while let found = firstIndex(of: needle, in: bytes, from: index) {
            result += bytes[index..<found]
            result += replacement
            index = found + needle.count
        }
        guard index > 0 else { return }
        result += bytes[index...]
        bytes = result
    }

    /// Where `needle` first occurs in `bytes` at or after `start`; ASCII letters compared
    /// without case when `ignoringCase`.
    public static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int, ignoringCase: Bool = false) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        if !ignoringCase {
            // Jump between occurrences of the first byte instead of comparing at every offset.
            var candidate = start
            while let first = bytes[candidate...(bytes.count - needle.count)].firstIndex(of: needle[0]) {
                if bytes[first..<(first + needle.count)].elementsEqual(needle) { return first }
                candidate = first + 1
                if candidate > bytes.count - needle.count { return nil }
            }
            return nil
        }
        for candidate in start...(bytes.count - needle.count) {
            let matches = needle.indices.allSatisfy { offset in
                let byte = bytes[candidate + offset]
                return ignoringCase ? asciiLowercased(byte) == asciiLowercased(needle[offset]) : byte == needle[offset]
            }
            if matches { return candidate }
        }
        return nil
    }

    public static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// Every byte outside RFC 3986's unreserved set as %XX.
    public static func percentEncoded(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in bytes {
            let unreserved = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-._~".utf8.contains(byte)
            if unreserved { encoded.append(byte) } else { encoded += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
        }
        return encoded
    }

    /// `%XX` sequences decoded; malformed ones are kept as written.
    public static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
