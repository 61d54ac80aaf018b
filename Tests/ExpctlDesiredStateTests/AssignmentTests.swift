import ExpctlModel
import Testing

@Suite("Sticky, deterministic assignment")
struct AssignmentTests {
    /// Computed independently with Python's hashlib:
    /// `int.from_bytes(sha256(f"{salt}:{unit}".encode()).digest()[:8], "big") % 10000`.
    @Test(arguments: [
        ("planner_policy_exp", "user-123", 6383), ("planner_policy_exp", "household-0001", 4769), ("exp", "u", 7216),
        ("planner-2025", "user-123", 9281), ("", "", 4368),
    ])
    func bucketsMatchTheDocumentedVectors(salt: String, unit: String, bucket: Int) {
        #expect(Assignment.bucket(salt: salt, unitID: unit) == bucket)
    }

    @Test func variantsTakeConsecutiveBucketRangesInDeclaredOrder() {
        let allocations = [Allocation(buckets: 9_000), Allocation(buckets: 1_000)]
        #expect(Assignment.variantIndex(forBucket: 0, allocations: allocations) == 0)
        #expect(Assignment.variantIndex(forBucket: 8_999, allocations: allocations) == 0)
        #expect(Assignment.variantIndex(forBucket: 9_000, allocations: allocations) == 1)
        #expect(Assignment.variantIndex(forBucket: 9_999, allocations: allocations) == 1)
        // Allocations under 1 leave the last buckets out of the experiment.
        #expect(Assignment.variantIndex(forBucket: 5_000, allocations: [Allocation(buckets: 5_000)]) == nil)
    }

    @Test func bucketsAreUniformEnoughForAllocations() {
        var counts = [Int](repeating: 0, count: 10)
        for unit in 0..<20_000 { counts[Assignment.bucket(salt: "exp", unitID: "user-\(unit)") / 1_000] += 1 }
        // 2,000 expected per tenth; a binomial SD is about 42, so 5 SD is 212.
        #expect(counts.allSatisfy { abs($0 - 2_000) < 212 }, "\(counts)")
    }

    @Test func theSaltIsTheExperimentsNameUnlessDeclared() {
        let origin = SourceLocation(path: "e.yaml", line: 1, column: 1)
        let variants = [
            Variant(
                name: "control", allocation: Allocation(buckets: 5_000),
                policyVersion: PolicyVersionRef(policy: "p", version: 1), origin: origin),
            Variant(
                name: "treatment", allocation: Allocation(buckets: 5_000),
                policyVersion: PolicyVersionRef(policy: "p", version: 2), origin: origin),
        ]
        var experiment = Experiment(
            name: "planner_policy_exp", unitType: .user, baseline: "control", variants: variants, origin: origin)
        #expect(experiment.assignmentSalt == "planner_policy_exp")
        // Bucket 6383 is past the control's 5,000 buckets.
        #expect(experiment.variant(forUnit: "user-123")?.variant.name == "treatment")
        #expect(experiment.variant(forUnit: "user-123")?.bucket == 6_383)
        experiment.salt = "planner-2025"
        #expect(experiment.variant(forUnit: "user-123")?.bucket == 9_281)
    }

    @Test func unitsThatWouldMoveCountThoseWhoseBucketNowMapsElsewhere() {
        let assigned: [(bucket: Int, variant: String, units: Int)] = [
            (100, "control", 7), (8_950, "control", 3), (9_500, "treatment", 5),
        ]
        // Treatment grows from 10% to 20%: bucket 8,950 now maps to it.
        let after: [(name: String, allocation: Allocation)] = [
            ("control", Allocation(buckets: 8_000)), ("treatment", Allocation(buckets: 2_000)),
        ]
        #expect(Assignment.unitsThatWouldMove(assigned: assigned, allocations: after) == 3)
        // Retiring the treatment would move its units out of the experiment.
        #expect(
            Assignment.unitsThatWouldMove(assigned: assigned, allocations: [("control", Allocation(buckets: 10_000))])
                == 5)
    }
}
