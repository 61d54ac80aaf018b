import ExpctlModel

/// Appending text to a UTF-8 byte buffer without intermediate strings: a million events are a
/// gigabyte of JSON, and building it through `String` would cost more than the database.
extension [UInt8] {
    mutating func append(_ literal: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// `value` in decimal.
    mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(-value)
            return
        }
        if value >= 10 { appendDecimal(value / 10) }
        append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// `value` in decimal with leading zeros to `width` digits.
    mutating func appendPadded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A JSON string: the world's words need no escapes, but any text gets them right.
    mutating func appendJSONString(_ string: String) {
        append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0..<0x20:
                append("\\u00")
                append(hexDigits[Int(byte >> 4)])
                append(hexDigits[Int(byte & 0xF)])
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// A JSON array of strings.
    mutating func appendJSONArray(_ strings: [String]) {
        append(UInt8(ascii: "["))
        for (index, string) in strings.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            appendJSONString(string)
        }
        append(UInt8(ascii: "]"))
    }

    /// `time` as RFC 3339 UTC with whole seconds, e.g. `2025-01-03T10:00:00Z` (simulated times
    /// have no fraction).
    mutating func appendRFC3339(_ time: Timestamp) {
        let (days, secondOfDay) = time.seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (Int(days) - 1, Int(secondOfDay) + 86_400) : (Int(days), Int(secondOfDay))
        let (year, month, dayOfMonth) = Timestamp.civilFromDays(day)
        appendPadded(year, width: 4)
        append(UInt8(ascii: "-"))
        appendPadded(month, width: 2)
        append(UInt8(ascii: "-"))
        appendPadded(dayOfMonth, width: 2)
        append(UInt8(ascii: "T"))
        appendPadded(second / 3_600, width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(second / 60 % 60, width: 2)
        append(UInt8(ascii: ":"))
        appendPadded(second % 60, width: 2)
        append(UInt8(ascii: "Z"))
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
