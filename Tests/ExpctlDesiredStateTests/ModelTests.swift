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

@Suite("SHA-256")
struct ContentHashTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownDigests(input: String, digest: String) {
        #expect(ContentHash.hex(input) == digest)
    }

    @Test func aMillionAs() {
        #expect(ContentHash.hex(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths where the padding spills into a second block, against Python's hashlib.
    @Test(arguments: [
        (55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"),
        (56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"),
        (63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"),
        (64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"),
        (65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"),
        (119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"),
        (120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"),
    ])
    func lengthsAroundTheBlockBoundary(length: Int, digest: String) {
        #expect(ContentHash.hex(String(repeating: "x", count: length)) == digest)
    }
}
