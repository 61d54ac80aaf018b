/// A forward-only JSON reader over the UTF-8 bytes of one line, for the fixed shapes of rows,
/// recipes and predictions: values are read straight into typed fields, with no intermediate
/// `JSONValue` tree and no dictionary per object (measured: several times faster than
/// `JSONValue(parsing:)` on 2 KB rows). Unknown keys are skipped; duplicate keys, last wins.
struct JSONByteReader {
    static let maxDepth = 64

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// The next byte, 0 at the end (0 never starts a JSON value).
    var next: UInt8 { index < bytes.count ? bytes[index] : 0 }

    mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    /// After the top-level value: only whitespace may follow.
    mutating func expectEnd() throws(FieldFailure) {
        skipWhitespace()
        guard index == bytes.count else { throw FieldFailure("unexpected text after the JSON value") }
    }

    /// What the value at the cursor is, for messages: "found a string".
    var foundDescription: String {
        switch next {
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
        case 0: "the end of the line"
        default: "'\(Character(Unicode.Scalar(next)))'"
        }
    }

    func expected(_ what: String) -> FieldFailure { FieldFailure("expected \(what), found \(foundDescription)") }

    /// Consumes `null` if it is next.
    mutating func readNull() -> Bool {
        skipWhitespace()
        guard next == UInt8(ascii: "n"), index + 4 <= bytes.count, bytes[index + 1] == UInt8(ascii: "u"),
            bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
        else { return false }
        index += 4
        return true
    }

    // MARK: Objects and arrays

    /// Reads an object, calling `body` with each key and the reader at its value, which
    /// `body` must consume (or skip). A failure in `body` is reported within the key.
    mutating func readObject(
        depth: Int = 0, _ body: (inout JSONByteReader, JSONKey) throws(FieldFailure) -> Void
    ) throws(FieldFailure) {
        skipWhitespace()
        guard next == UInt8(ascii: "{") else { throw expected("an object") }
        guard depth < Self.maxDepth else { throw FieldFailure("nested too deeply") }
        index += 1
        skipWhitespace()
        if next == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard next == UInt8(ascii: "\"") else { throw expected("a key in quotes") }
            let key = try readKey()
            skipWhitespace()
            guard next == UInt8(ascii: ":") else { throw expected("':' after the key") }
            index += 1
            skipWhitespace()
            do throws(FieldFailure) {
                try body(&self, key)
            } catch {
                throw error.within(.key(key.text))
            }
            skipWhitespace()
            switch next {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw expected("',' or '}'")
            }
        }
    }

    /// Reads an array, calling `body` with each element's position and the reader at it.
    mutating func readArray(
        depth: Int = 0, _ body: (inout JSONByteReader, Int) throws(FieldFailure) -> Void
    ) throws(FieldFailure) {
        skipWhitespace()
        guard next == UInt8(ascii: "[") else { throw expected("an array") }
        guard depth < Self.maxDepth else { throw FieldFailure("nested too deeply") }
        index += 1
        skipWhitespace()
        if next == UInt8(ascii: "]") {
            index += 1
            return
        }
        var position = 0
        while true {
            skipWhitespace()
            do throws(FieldFailure) {
                try body(&self, position)
            } catch {
                throw error.within(.index(position))
            }
            position += 1
            skipWhitespace()
            switch next {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw expected("',' or ']'")
            }
        }
    }

    mutating func readStringArray() throws(FieldFailure) -> [String] {
        var values: [String] = []
        try readArray { reader, _ throws(FieldFailure) in values.append(try reader.readString()) }
        return values
    }

    // MARK: Strings

    /// A key, compared by its bytes: no string is made unless a message needs it.
    private mutating func readKey() throws(FieldFailure) -> JSONKey {
        let start = index + 1
        let span = try scanString()
        if span.plain {
            return JSONKey(bytes: UnsafeBufferPointer(rebasing: bytes[start..<span.end]), decoded: nil)
        }
        index = start - 1
        let decoded = try readString()
        return JSONKey(bytes: UnsafeBufferPointer(rebasing: bytes[0..<0]), decoded: decoded)
    }

    /// Moves past a string starting at the cursor; `plain` when it has no escapes and is ASCII.
    /// Letters, `_` and the bytes above are all past the backslash (0x5C): a run of them is
    /// cleared eight bytes per test, one byte per comparison after it; only the other bytes
    /// are checked for a quote, an escape or a control character.
    private mutating func scanString() throws(FieldFailure) -> (end: Int, plain: Bool) {
        guard next == UInt8(ascii: "\""), let base = bytes.baseAddress else { throw expected("a string") }
        var position = index + 1
        defer { index = position }
        var highBits: UInt8 = 0
        var escaped = false
        let count = bytes.count
        let raw = UnsafeRawPointer(base)
        while position + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            guard !SWAR.hasByte(below: 0x5D, word) else { break }
            if word & SWAR.highBits != 0 { highBits = 0x80 }
            position += 8
        }
        while position < count {
            let byte = base[position]
            if byte > UInt8(ascii: "\\") {
                highBits |= byte
                position += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (position - 1, !escaped && highBits < 0x80)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 2
                continue
            }
            if byte < 0x20 { throw FieldFailure("control character in a string") }
            position += 1
        }
        throw FieldFailure("unterminated string")
    }

    /// A string among a fixed set of spellings, matched on its bytes: no `String` is made
    /// unless it matches none (for the message).
    mutating func readKeyword<Value>(_ table: KeywordTable<Value>) throws(FieldFailure) -> Value {
        skipWhitespace()
        let start = index + 1
        let span = try scanString()
        if span.plain, let value = table.value(for: UnsafeBufferPointer(rebasing: bytes[start..<span.end])) {
            return value
        }
        index = start - 1
        let text = try readString()
        if let value = table.values.first(where: { table.spelling($0) == text }) { return value }
        throw FieldFailure("'\(text)' is not \(table.expectation)")
    }

    mutating func readString() throws(FieldFailure) -> String {
        skipWhitespace()
        let start = index + 1
        let span = try scanString()
        let content = UnsafeBufferPointer(rebasing: bytes[start..<span.end])
        if span.plain { return String(decoding: content, as: UTF8.self) }
        if !content.contains(UInt8(ascii: "\\")) {
            guard let text = String(validating: content, as: UTF8.self) else { throw FieldFailure("invalid UTF-8") }
            return text
        }
        return try Self.unescape(content)
    }

    private static func unescape(_ content: UnsafeBufferPointer<UInt8>) throws(FieldFailure) -> String {
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
                    guard (0xDC00..<0xE000).contains(low) else { throw FieldFailure("unpaired surrogate in \\u escape") }
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

    // MARK: Skipping

    /// Moves past one value of any kind (a key this reader does not know).
    mutating func skipValue(depth: Int = 0) throws(FieldFailure) {
        skipWhitespace()
        switch next {
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "{"): try readObject(depth: depth + 1) { reader, _ throws(FieldFailure) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try readArray(depth: depth + 1) { reader, _ throws(FieldFailure) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"): try skipLiteral("true")
        case UInt8(ascii: "f"): try skipLiteral("false")
        case UInt8(ascii: "n"): try skipLiteral("null")
        default: _ = try readDouble()
        }
    }

    private mutating func skipLiteral(_ word: StaticString) throws(FieldFailure) {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw expected("a value") }
        for offset in 0..<length where bytes[index + offset] != word.utf8Start[offset] { throw expected("a value") }
        index += length
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
