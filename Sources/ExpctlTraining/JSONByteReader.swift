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

    // MARK: Skipping

    /// Moves past one value of any kind (a key this reader does not know).
    mutating func skipValue(depth: Int = 0) throws(FieldFailure) {
        skipWhitespace()
        switch next {
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "{"):
            try readObject(depth: depth + 1) { reader, _ throws(FieldFailure) in
                try reader.skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            try readArray(depth: depth + 1) { reader, _ throws(FieldFailure) in
                try reader.skipValue(depth: depth + 1)
            }
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
