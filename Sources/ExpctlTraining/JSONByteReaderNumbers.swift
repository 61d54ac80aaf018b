extension JSONByteReader {
    /// Exact powers of ten: with a mantissa below 2^53, one multiplication or division by one of
    /// these rounds correctly (Clinger's fast path), so most decimals need no `strtod`.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// A JSON number, integer or decimal, as the nearest Double.
    mutating func readDouble() throws(FieldFailure) -> Double {
        skipWhitespace()
        let start = index
        var negative = false
        if next == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var exact = true
        var integerDigits = 0
        while index < bytes.count, let digit = Self.digit(bytes[index]) {
            accumulate(digit, &mantissa, &significantDigits, &exact, scale: &exponent, fraction: false)
            integerDigits += 1
            index += 1
        }
        guard integerDigits > 0 else {
            index = start
            throw expected("a number")
        }
        if next == UInt8(ascii: ".") {
            index += 1
            var fractionDigits = 0
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                accumulate(digit, &mantissa, &significantDigits, &exact, scale: &exponent, fraction: true)
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { throw FieldFailure("a number needs digits after '.'") }
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") {
                exponentNegative = next == UInt8(ascii: "-")
                index += 1
            }
            var written = 0
            var exponentDigits = 0
            while index < bytes.count, let digit = Self.digit(bytes[index]) {
                if written < 100_000 { written = written * 10 + Int(digit) }
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { throw FieldFailure("a number needs digits after its exponent") }
            exponent += exponentNegative ? -written : written
        }
        if exact, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            let magnitude =
                exponent < 0
                ? Double(mantissa) / Self.exactPowersOfTen[-exponent]
                : Double(mantissa) * Self.exactPowersOfTen[exponent]
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw FieldFailure("number \(text) is out of range") }
        return value
    }

    /// An integer; an integral decimal (`45.0`) is accepted too.
    mutating func readInteger() throws(FieldFailure) -> Int {
        skipWhitespace()
        guard next == UInt8(ascii: "-") || Self.digit(next) != nil else { throw expected("an integer") }
        let value = try readDouble()
        guard value == value.rounded(), abs(value) < 9.0e15 else {
            throw FieldFailure("expected an integer, found \(value)")
        }
        return Int(value)
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    /// Adds one digit to the mantissa; digits past the 19th are not exact (the slow path parses them).
    private func accumulate(
        _ digit: UInt8, _ mantissa: inout UInt64, _ significantDigits: inout Int, _ exact: inout Bool,
        scale exponent: inout Int, fraction: Bool
    ) {
        if mantissa == 0 && digit == 0 {
            if fraction { exponent -= 1 }
            return
        }
        if significantDigits < 19 {
            mantissa = mantissa * 10 + UInt64(digit)
            significantDigits += 1
            if fraction { exponent -= 1 }
        } else {
            exact = false
            if !fraction { exponent += 1 }
        }
    }
}
