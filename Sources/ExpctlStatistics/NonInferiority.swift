/// Which way a metric should move for the candidate to be better.
public enum ImprovementDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case higherIsBetter
    case lowerIsBetter
}

/// What the always-valid bounds say about a guardrail so far.
public enum NonInferiorityVerdict: String, Sendable, Hashable, Codable {
    /// The candidate is no worse than the margin allows (the bound on the bad side clears it).
    case holds
    /// The candidate is significantly worse than the margin allows.
    case fails
    /// The bounds still straddle the margin: more traffic is needed.
    case notYetKnown
}

/// A guardrail: the candidate may be worse than the baseline by at most `maxRegression`, in the
/// effect's scale (a relative effect for `max_regression: 0.05` = 5%). With a margin of 0 it is
/// the check that an online goal has not significantly degraded.
public struct NonInferiorityMargin: Sendable, Hashable, Codable {
    public var direction: ImprovementDirection
    public var maxRegression: Double

    public init(direction: ImprovementDirection, maxRegression: Double = 0) {
        precondition(maxRegression >= 0, "a tolerated regression is not negative")
        self.direction = direction
        self.maxRegression = maxRegression
    }

    /// The verdict of bounds [lower, upper] on the effect, each one-sided at level α (use a
    /// one-sided `AlwaysValidTest`): for higher-is-better the guardrail fails when
    /// upper < −margin and holds when lower > −margin; mirrored for lower-is-better. Bounds
    /// that contradict each other (an empty interval) fail: the conservative reading.
    public func verdict(lower: Double, upper: Double) -> NonInferiorityVerdict {
        switch direction {
        case .higherIsBetter:
            if upper < -maxRegression { return .fails }
            if lower > -maxRegression { return lower <= upper ? .holds : .fails }
        case .lowerIsBetter:
            if lower > maxRegression { return .fails }
            if upper < maxRegression { return lower <= upper ? .holds : .fails }
        }
        return .notYetKnown
    }

    public func verdict(for look: AlwaysValidLookResult) -> NonInferiorityVerdict {
        verdict(lower: look.lower, upper: look.upper)
    }
}
