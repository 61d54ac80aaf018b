// What a scalar means under the YAML 1.2 core schema.
//
// Only plain scalars are resolved: a quoted or block scalar is always a string, and so is a
// plain scalar tagged `!!str` (or `!<tag:yaml.org,2002:str>`) or `!`. Other tags do not change
// resolution. (The `!!` and `!` handles cannot be redefined: `%TAG` refuses it.)

extension YAMLScalar {
    /// `""`, `~`, `null`, `Null` or `NULL`, written plain.
    public var isNull: Bool {
        guard isResolvable else { return false }
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// `true`/`True`/`TRUE` or `false`/`False`/`FALSE`, written plain.
    public var bool: Bool? {
        guard isResolvable else { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// A plain decimal integer with an optional sign, or `0x` hexadecimal, or `0o` octal.
    /// Nil when it does not fit in `Int`.
    public var integer: Int? {
        guard isResolvable else { return nil }
        let utf8 = text.utf8
        if utf8.count > 2 && utf8.first == UInt8(ascii: "0") {
            let digits = text.dropFirst(2)
            switch utf8[utf8.index(after: utf8.startIndex)] {
            case UInt8(ascii: "x") where digits.utf8.allSatisfy(\.isHexDigit): return Int(digits, radix: 16)
            case UInt8(ascii: "o") where digits.utf8.allSatisfy(\.isOctalDigit): return Int(digits, radix: 8)
            default: break
            }
        }
        return Int(text)  // exactly `[-+]?[0-9]+`, nil on overflow
    }

    /// A plain float (`1.5`, `-2e3`, `.5`, `1.0e-4`, `.inf`, `-.inf`, `.nan`) or any form that
    /// `integer` accepts.
    public var double: Double? {
        guard isResolvable else { return nil }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        if Self.isCoreFloat(text) { return Double(text) }
        return integer.map(Double.init)
    }

    private var isResolvable: Bool {
        style == .plain && tag != "!!str" && tag != "!" && tag != "!<tag:yaml.org,2002:str>"
    }

    /// Matches `[-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`.
    private static func isCoreFloat(_ text: String) -> Bool {
        var rest = text[...].utf8
        if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { rest.removeFirst() }
        let integerDigits = rest.prefix(while: \.isDecimalDigit).count
        rest.removeFirst(integerDigits)
        var fractionDigits = 0
        if rest.first == UInt8(ascii: ".") {
            rest.removeFirst()
            fractionDigits = rest.prefix(while: \.isDecimalDigit).count
            rest.removeFirst(fractionDigits)
        }
        guard integerDigits > 0 || fractionDigits > 0 else { return false }
        if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            rest.removeFirst()
            if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { rest.removeFirst() }
            let exponentDigits = rest.prefix(while: \.isDecimalDigit).count
            guard exponentDigits > 0 else { return false }
            rest.removeFirst(exponentDigits)
        }
        return rest.isEmpty
    }
}

extension UInt8 {
    fileprivate var isDecimalDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isOctalDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "7") }
    fileprivate var isHexDigit: Bool {
        isDecimalDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self | 0x20)
    }
}
