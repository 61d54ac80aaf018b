/// A statement parameter (`$1`, `$2`, ...).
///
/// Parameters are sent in text format with no type: the server infers each one's type from
/// where it appears, so cast where that is ambiguous (`$1::jsonb`, `$1::timestamptz`).
public enum PostgresValue: Sendable, Hashable {
    case null
    case text(String)
    case integer(Int64)
    /// Sent as the shortest text that reads back as the same value; NaN and the infinities as
    /// PostgreSQL spells them.
    case double(Double)
    case bool(Bool)
    /// A JSON document, sent as text: cast it in SQL (`$1::jsonb`).
    case json(String)
    /// An instant, sent as RFC 3339 UTC text ("2024-05-01T12:30:00.25Z"). `nanoseconds` may be
    /// outside 0..<1_000_000_000 (it carries into the seconds). PostgreSQL keeps microseconds.
    case timestamp(seconds: Int64, nanoseconds: Int32)

    /// The parameter's text, or nil for SQL NULL.
    var text: String? {
        switch self {
        case .null: nil
        case .text(let string), .json(let string): string
        case .integer(let value): String(value)
        case .double(let value):
            if value.isNaN { "NaN" } else if value.isInfinite { value < 0 ? "-Infinity" : "Infinity" } else { "\(value)" }
        case .bool(let value): value ? "true" : "false"
        case .timestamp(let seconds, let nanoseconds): rfc3339(seconds: seconds, nanoseconds: nanoseconds)
        }
    }
}

/// `seconds` since 1970-01-01T00:00:00Z plus `nanoseconds` as RFC 3339 UTC text, with as many
/// fractional digits as needed (none for whole seconds). Years past 9999 get more digits and
/// years before 1 a sign (ISO 8601's expanded years), which the server rejects as out of range.
private func rfc3339(seconds: Int64, nanoseconds: Int32) -> String {
    // Split into days and a second of the day first so that no sum can overflow.
    let (carry, nanosecond) = Int64(nanoseconds).floorDivided(by: 1_000_000_000)
    let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
    let (extraDays, second) = (secondOfDay + carry).floorDivided(by: 86_400)
    let (year, month, day) = civilDate(daysSinceEpoch: days + extraDays)

    let yearText = year < 0 ? "-" + padded(-year, 4) : padded(year, 4)
    var text = "\(yearText)-\(padded(month, 2))-\(padded(day, 2))"
    text += "T\(padded(second / 3600, 2)):\(padded(second / 60 % 60, 2)):\(padded(second % 60, 2))"
    if nanosecond > 0 {
        var fraction = padded(nanosecond, 9)[...]
        while fraction.last == "0" { fraction.removeLast() }
        text += ".\(fraction)"
    }
    return text + "Z"
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
private func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let (era, dayOfEra) = (days + 719_468).floorDivided(by: 146_097)
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153  // March is 0
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
}

private func padded(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

extension Int64 {
    /// Quotient rounded towards negative infinity, and a remainder in 0..<divisor.
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
