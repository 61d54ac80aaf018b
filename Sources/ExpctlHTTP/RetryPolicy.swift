// When a request is tried again, and after how long. Pure: `CurlTransport` feeds it each
// attempt's outcome and sleeps through the injected clock, so tests need no waiting.

/// Exponential backoff for requests that are safe to repeat.
///
/// What is retried:
/// - connection failures and timeouts, for idempotent requests;
/// - 429, 502, 503 and 504, for idempotent requests; on 429 and 503 a `Retry-After` header
///   (seconds or an HTTP date) replaces the backoff, up to `maxRetryAfter`;
/// - a request that is not idempotent only when it cannot have reached the server: the
///   connection was refused or the host not resolved. Once bytes may have been sent, repeating
///   a create could create twice, so the caller gets the error and checks what happened.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 turns retrying off.
    public var maxAttempts: Int
    /// The wait before the second attempt, in seconds.
    public var initialDelay: Double
    /// Each further wait is the previous one times this.
    public var multiplier: Double
    /// No backoff wait is longer than this, in seconds.
    public var maxDelay: Double
    /// The longest `Retry-After` honoured, in seconds. A server asking for more gets its 429 or
    /// 503 returned as the response, so the caller can decide rather than block that long.
    public var maxRetryAfter: Double

    public init(
        maxAttempts: Int = 4, initialDelay: Double = 0.2, multiplier: Double = 2, maxDelay: Double = 5,
        maxRetryAfter: Double = 60
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = max(0, initialDelay)
        self.multiplier = max(1, multiplier)
        self.maxDelay = max(0, maxDelay)
        self.maxRetryAfter = max(0, maxRetryAfter)
    }

    /// One attempt only.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The statuses that say "try again later" for a request the server did not carry out.
    public static let retryableStatuses: Set<Int> = [429, 502, 503, 504]
    /// The statuses whose `Retry-After` is honoured.
    public static let retryAfterStatuses: Set<Int> = [429, 503]

    /// The backoff wait after attempt `attempt` (1-based) failed.
    public func backoff(afterAttempt attempt: Int) -> Double {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) {
            delay *= multiplier
            if delay >= maxDelay { break }
        }
        return min(delay, maxDelay)
    }
}

/// What the transport does after one attempt.
enum RetryDecision: Equatable {
    /// Return the response as it is.
    case accept
    /// Sleep this many seconds, then try again.
    case retry(after: Double)
    /// Throw: the failure is final, or the last attempt still got a retryable status.
    case giveUp
}

extension RetryPolicy {
    /// After attempt `attempt` was answered with `status` (and `Retry-After`, in seconds, if given).
    func decide(status: Int, retryAfter: Double?, attempt: Int, isIdempotent: Bool) -> RetryDecision {
        guard isIdempotent, maxAttempts > 1, Self.retryableStatuses.contains(status) else { return .accept }
        let requested = Self.retryAfterStatuses.contains(status) ? retryAfter : nil
        if let requested, requested > maxRetryAfter { return .accept }
        guard attempt < maxAttempts else { return .giveUp }
        return .retry(after: requested ?? backoff(afterAttempt: attempt))
    }

    /// After attempt `attempt` failed without a response.
    func decide(failure: CurlFailure, attempt: Int, isIdempotent: Bool) -> RetryDecision {
        let transient = failure.kind == .connection || failure.kind == .timeout
        guard transient, isIdempotent || failure.nothingSent, attempt < maxAttempts else { return .giveUp }
        return .retry(after: backoff(afterAttempt: attempt))
    }
}

// MARK: - Retry-After

enum RetryAfter {
    /// The seconds a `Retry-After` value asks to wait: delay-seconds, or an IMF-fixdate such as
    /// "Sun, 06 Nov 1994 08:49:37 GMT" relative to `now` (seconds since 1970; a date in the
    /// past means 0). nil for anything else, so that the backoff applies.
    static func seconds(_ value: String, now: Double) -> Double? {
        let value = value.trimmingWhitespace()
        if !value.isEmpty, value.utf8.allSatisfy({ (48...57).contains($0) }) {
            return Double(value)
        }
        guard let date = imfFixdate(value) else { return nil }
        return max(0, date - now)
    }

    /// Seconds since 1970 for "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7).
    static func imfFixdate(_ text: String) -> Double? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
            let day = Int(parts[1]), parts[1].count == 2, (1...31).contains(day),
            let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), parts[3].count == 4
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            hour < 24, minute < 60, second < 61
        else { return nil }
        let days = daysSince1970(year: year, month: month + 1, day: day)
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
