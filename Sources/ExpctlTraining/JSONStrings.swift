extension JSONByteReader {
    /// The text of a string with escapes, checked to be UTF-8.
    static func unescape(_ content: UnsafeBufferPointer<UInt8>) throws(FieldFailure) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(content.count)
        var index = 0
        func hex4() throws(FieldFailure) -> UInt32 {
            guard index + 4 <= content.count else { throw FieldFailure("invalid \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = content[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw FieldFailure("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
        while index < content.count {
            let byte = content[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard index < content.count else { throw FieldFailure("invalid escape") }
            let code = content[index]
            index += 1
            let scalar: Unicode.Scalar?
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalar = Unicode.Scalar(code)
            case UInt8(ascii: "b"): scalar = "\u{08}"
            case UInt8(ascii: "f"): scalar = "\u{0C}"
            case UInt8(ascii: "n"): scalar = "\n"
            case UInt8(ascii: "r"): scalar = "\r"
            case UInt8(ascii: "t"): scalar = "\t"
            case UInt8(ascii: "u"):
                let high = try hex4()
                if (0xD800..<0xDC00).contains(high) {
                    guard index + 2 <= content.count, content[index] == UInt8(ascii: "\\"),
                        content[index + 1] == UInt8(ascii: "u")
                    else { throw FieldFailure("unpaired surrogate in \\u escape") }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw FieldFailure("unpaired surrogate in \\u escape")
                    }
                    scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    scalar = Unicode.Scalar(high)
                }
            default: throw FieldFailure("invalid escape")
            }
            guard let scalar else { throw FieldFailure("invalid \\u escape") }
            output.append(contentsOf: UTF8.encode(scalar)!)
        }
        guard let text = String(validating: output, as: UTF8.self) else { throw FieldFailure("invalid UTF-8") }
        return text
    }
}

/// An object key as read: its bytes when plain ASCII, else its decoded text.
struct JSONKey {
    let bytes: UnsafeBufferPointer<UInt8>
    let decoded: String?

    @inline(__always)
    static func == (key: JSONKey, name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard key.decoded == nil else { return key.decoded == name.description }
        guard key.bytes.count == count, let base = key.bytes.baseAddress else { return count == 0 && key.bytes.isEmpty }
        let start = name.utf8Start
        for offset in 0..<count where base[offset] != start[offset] { return false }
        return true
    }

    var text: String { decoded ?? String(decoding: bytes, as: UTF8.self) }
}

/// The spellings of an enumeration's values, as bytes, for `readKeyword`.
struct KeywordTable<Value>: Sendable where Value: Sendable {
    let values: [Value]
    let spelling: @Sendable (Value) -> String
    /// All spellings back to back, and where each starts (one more entry: the end).
    private let bytes: [UInt8]
    private let starts: [Int]
    /// For messages: "one of 'train', 'validation'".
    let expectation: String

    init(_ values: [Value], expectation: String? = nil, spelling: @escaping @Sendable (Value) -> String) {
        self.values = values
        self.spelling = spelling
        var bytes: [UInt8] = []
        var starts = [0]
        for value in values {
            bytes += Array(spelling(value).utf8)
            starts.append(bytes.count)
        }
        self.bytes = bytes
        self.starts = starts
        self.expectation = expectation ?? "one of " + values.map { "'\(spelling($0))'" }.joined(separator: ", ")
    }

    func value(for text: UnsafeBufferPointer<UInt8>) -> Value? {
        guard let textBase = text.baseAddress, !text.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { spellings in
            for position in values.indices {
                let start = starts[position]
                guard starts[position + 1] - start == text.count, spellings[start] == textBase[0] else { continue }
                var equal = true
                for offset in 1..<text.count where spellings[start + offset] != textBase[offset] {
                    equal = false
                    break
                }
                if equal { return values[position] }
            }
            return nil
        }
    }
}

extension KeywordTable where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    init() { self.init(Array(Value.allCases)) { $0.rawValue } }
}

enum Keywords {
    static let split = KeywordTable<DatasetSplit>()
    static let workflow = KeywordTable<WorkflowType>()
    static let mode = KeywordTable<PlanningMode>()
    static let day = KeywordTable(Weekday.allCases, expectation: "a day: expected monday … sunday") { $0.name }
}

/// Tests on eight bytes at once (a UInt64), for the scans of strings and lines. Each test may
/// report a byte that is not there after a real match, never miss one, so a hit is followed
/// by a byte-by-byte look.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Some byte of `word` is below `limit` (at most 0x80).
    @inline(__always)
    static func hasByte(below limit: UInt8, _ word: UInt64) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Some byte of `word` equals `byte`.
    @inline(__always)
    static func hasByte(_ byte: UInt8, _ word: UInt64) -> Bool { hasByte(below: 1, word ^ (ones &* UInt64(byte))) }
}
