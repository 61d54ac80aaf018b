/// What a reconciler keeps of an always-valid test between passes, so that checking on every
/// pass stays valid: the running minimum of the p-values, the running intersection of the
/// bounds (both valid at every look at once, so their extremes are too; Optimizely reports
/// the same), and a sticky `failed` flag that no later look clears.
///
/// The test and the guardrail are part of the state: a state is only meaningful for the test
/// that produced it, so a changed test (an edited α or N*) shows as `state.test != test`, and
/// the gate engine starts a new state.
public struct AlwaysValidState: Sendable, Hashable, Codable {
    public let test: AlwaysValidTest
    /// The margin whose `.fails` sets `failed` (`maxRegression: 0` for an online goal).
    public let guardrail: NonInferiorityMargin
    /// Looks counted so far.
    public private(set) var looks = 0
    /// N of the last counted look: a pass with no more units adds no look.
    public private(set) var lastTotalUnits = 0
    public private(set) var minimumPValue = 1.0
    /// nil before the first look. Optionals rather than infinities, which JSON cannot hold.
    public private(set) var maximumLogLikelihoodRatio: Double?
    private var largestLower: Double?
    private var smallestUpper: Double?
    /// Set when the intersected bounds fail the guardrail; never cleared.
    public private(set) var failed = false

    public init(test: AlwaysValidTest, guardrail: NonInferiorityMargin) {
        self.test = test
        self.guardrail = guardrail
    }

    /// A state as a decision recorded it; nil when the numbers cannot be one (a negative count,
    /// a p-value outside [0, 1], bounds the wrong way round), so a damaged record starts the
    /// test afresh, which stays valid.
    public init?(
        restoring test: AlwaysValidTest, guardrail: NonInferiorityMargin, looks: Int, lastTotalUnits: Int,
        minimumPValue: Double, maximumLogLikelihoodRatio: Double?, largestLower: Double?, smallestUpper: Double?,
        failed: Bool
    ) {
        guard looks >= 0, lastTotalUnits >= 0, (0...1).contains(minimumPValue),
            (largestLower ?? -.infinity) <= (smallestUpper ?? .infinity)
        else { return nil }
        self.init(test: test, guardrail: guardrail)
        self.looks = looks
        self.lastTotalUnits = lastTotalUnits
        self.minimumPValue = minimumPValue
        self.maximumLogLikelihoodRatio = maximumLogLikelihoodRatio
        self.largestLower = largestLower
        self.smallestUpper = smallestUpper
        self.failed = failed
    }

    /// The intersected bounds as kept (nil before the first look), for a record.
    public var recordedBounds: (lower: Double?, upper: Double?) { (largestLower, smallestUpper) }

    /// Counts `look` if it has new units and enough of them in each arm, and returns its own
    /// result; returns nil (and changes nothing) otherwise.
    @discardableResult
    public mutating func update(with look: SequentialLook) -> AlwaysValidLookResult? {
        guard look.totalUnits > lastTotalUnits,
            min(look.baselineUnits, look.candidateUnits) >= test.minimumUnitsPerArm
        else { return nil }
        let result = test.evaluate(look)
        looks += 1
        lastTotalUnits = look.totalUnits
        minimumPValue = min(minimumPValue, result.pValue)
        maximumLogLikelihoodRatio = max(maximumLogLikelihoodRatio ?? -.infinity, result.logLikelihoodRatio)
        largestLower = max(lower, result.lower)
        smallestUpper = min(upper, result.upper)
        if guardrail.verdict(lower: lower, upper: upper) == .fails { failed = true }
        return result
    }

    /// The state after `look`, leaving this one as it is.
    public func updated(with look: SequentialLook) -> AlwaysValidState {
        var next = self
        next.update(with: look)
        return next
    }

    /// The largest lower bound seen; −∞ before the first look.
    public var lower: Double { largestLower ?? -.infinity }
    /// The smallest upper bound seen; +∞ before the first look.
    public var upper: Double { smallestUpper ?? .infinity }

    /// Whether H0 (effect = `test.nullValue`, in the direction of `test.alternative`) has been
    /// rejected at some look: the running-minimum p at most α.
    public var rejectsNull: Bool { minimumPValue <= test.alpha }

    /// The guardrail's verdict from the intersected bounds; `.fails` once `failed`.
    public var verdict: NonInferiorityVerdict {
        failed ? .fails : guardrail.verdict(lower: lower, upper: upper)
    }
}
