import ExpctlModel
import Testing

@Suite("Model value types")
struct ModelTests {
    @Test func timestampsParseRFC3339WithOffsets() {
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z") == Timestamp(seconds: 0))
        #expect(Timestamp(rfc3339: "2025-01-06T00:00:00Z")?.seconds == 1_736_121_600)
        #expect(Timestamp(rfc3339: "2025-01-06T01:00:00+01:00")?.seconds == 1_736_121_600)
        #expect(Timestamp(rfc3339: "2024-02-29T12:30:15.25Z")?.description == "2024-02-29T12:30:15.25Z")
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.description == "1969-12-31T23:59:59Z")
        for invalid in ["2025-01-06", "2025-02-30T00:00:00Z", "2025-01-06T00:00:00", "2025-01-06T24:00:00Z", "2025-01-06T00:00:00Zjunk", "2023-02-29T00:00:00Z"] {
            #expect(Timestamp(rfc3339: invalid) == nil, "\(invalid)")
        }
    }

    @Test func allocationsAreWholeBuckets() {
        #expect(Allocation(exactly: 0.1)?.buckets == 1_000)
        #expect(Allocation(exactly: 0.0001)?.buckets == 1)
        #expect(Allocation(exactly: 0.00015) == nil)
        #expect(Allocation(exactly: 0.1000000001) == nil)
        #expect(Allocation(buckets: 9_000).description == "0.9")
        #expect(Allocation(buckets: 1_250).description == "0.125")
        #expect(Allocation(buckets: 10_000).description == "1")
    }

    @Test func namesFollowThePattern() {
        #expect(ResourceName.isValid("planner_policy_exp"))
        #expect(ResourceName.isValid("planner-2025-01-10"))
        #expect(!ResourceName.isValid("Planner"))
        #expect(!ResourceName.isValid("_x"))
        #expect(!ResourceName.isValid(String(repeating: "a", count: 64)))
        #expect(ResourceName.isValid(String(repeating: "a", count: 63)))
        #expect(ResourceName.suggestion(for: "My Experiment!") == "my_experiment_")
    }

    @Test func policyVersionReferences() {
        #expect(PolicyVersionRef(parsing: "planner_policy@2") == PolicyVersionRef(policy: "planner_policy", version: 2))
        #expect(PolicyVersionRef(parsing: "planner_policy") == nil)
        #expect(PolicyVersionRef(parsing: "planner_policy@0") == nil)
        #expect(PolicyVersionRef(parsing: "a@1@2") == nil)
        #expect(PolicyVersionRef(parsing: "a@+1") == nil)
        #expect(PolicyVersionRef(parsing: "a@01") == nil)
        #expect(PolicyVersionRef(parsing: "a@10")?.version == 10)
    }

    @Test func canonicalJSONSortsKeysAndKeepsNumberKinds() {
        let value = JSONValue.object(["b": .integer(3), "a": .array([.double(0.5), .string("q\"\n"), .null, .bool(false)])])
        #expect(value.canonicalText == #"{"a":[0.5,"q\"\n",null,false],"b":3}"#)
    }
}

@Suite("JSON text parsing")
struct JSONParsingTests {
    @Test func roundTripsCanonicalText() {
        let value = JSONValue.object([
            "a": .array([.integer(1), .double(0.5), .double(3.0), .string("q\"\n\u{1F600}"), .null, .bool(true)]),
            "b": .object(["nested": .integer(-7)]),
        ])
        #expect(JSONValue(parsing: value.canonicalText) == value)
    }

    @Test func readsWhatPostgreSQLPrints() {
        #expect(JSONValue(parsing: #"{"rate": 0.15, "depth": 3, "big": 1e400, "u": "\u00e9\ud83d\ude00"}"#)
            == .object(["rate": .double(0.15), "depth": .integer(3), "big": .double(.infinity), "u": .string("é😀")]))
        #expect(JSONValue(parsing: "99999999999999999999") == .double(1e20))
        #expect(JSONValue(parsing: " [ ] ") == .array([]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"\\x\"", "1 2", "\"\u{01}\""])
    func refusesInvalidText(text: String) {
        #expect(JSONValue(parsing: text) == nil)
    }
}
