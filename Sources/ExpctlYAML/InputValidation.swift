/// Checks, before parsing, that `bytes[start...]` is well-formed UTF-8 holding only characters
/// YAML allows: no control characters other than tab, LF and CR, no C1 controls other than
/// NEL, no U+FFFE or U+FFFF. Returns whether every byte is ASCII.
///
/// Validating up front lets the parser treat any byte sequence as a character without checks,
/// and use 0 to mean "end of input" (a NUL byte never gets through here).
func validateInput(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(YAMLError) -> Bool {
    var isASCII = true
    var i = start
    let count = bytes.count
    while i < count {
        if i + 8 <= count && isPrintableASCII(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
            i += 8
            continue
        }
        let lead = bytes[i]
        if lead < 0x80 {
            guard lead >= 0x20 && lead != 0x7F || lead == 0x0A || lead == 0x0D || lead == 0x09 else {
                throw controlCharacterError(lead, in: bytes, at: i, start: start)
            }
            i += 1
            continue
        }
        isASCII = false
        let length: Int
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: (length, scalar) = (2, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, scalar) = (3, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, scalar) = (4, UInt32(lead & 0x07))
        default: throw invalidUTF8Error(in: bytes, at: i, start: start)
        }
        guard i + length <= count else { throw invalidUTF8Error(in: bytes, at: i, start: start) }
        for k in 1..<length {
            let byte = bytes[i + k]
            guard byte & 0xC0 == 0x80 else { throw invalidUTF8Error(in: bytes, at: i, start: start) }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        let wellFormed: Bool
        switch length {
        case 3: wellFormed = scalar >= 0x800 && !(0xD800...0xDFFF).contains(scalar)  // no overlongs, no surrogates
        case 4: wellFormed = scalar >= 0x1_0000 && scalar <= 0x10_FFFF
        default: wellFormed = true  // C2...DF leads cannot be overlong
        }
        guard wellFormed else { throw invalidUTF8Error(in: bytes, at: i, start: start) }
        if (0x80...0x9F).contains(scalar) && scalar != 0x85 || scalar == 0xFFFE || scalar == 0xFFFF {
            throw controlCharacterError(scalar, in: bytes, at: i, start: start)
        }
        i += length
    }
    return isASCII
}

/// True when all 8 bytes of `word` are in 0x20...0x7E, tested all at once: the common case.
@inline(__always)
private func isPrintableASCII(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highBits: UInt64 = 0x8080_8080_8080_8080
    let belowSpace = (word &- ones &* 0x20) & ~word  // a byte < 0x20 sets its high bit
    let delete = word ^ (ones &* 0x7F)
    let isDelete = (delete &- ones) & ~delete  // a byte == 0x7F sets its high bit
    return (word | belowSpace | isDelete) & highBits == 0
}

private func invalidUTF8Error(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, start: Int) -> YAMLError {
    YAMLError(
        kind: .invalidUTF8,
        message: "invalid UTF-8 byte 0x\(hex(UInt32(bytes[index]), digits: 2))",
        mark: markOfByte(in: bytes, at: index, start: start),
        hint: "save the file as UTF-8")
}

private func controlCharacterError<T: BinaryInteger>(
    _ scalar: T, in bytes: UnsafeBufferPointer<UInt8>, at index: Int, start: Int
) -> YAMLError {
    .syntax(
        "control character U+\(hex(UInt32(scalar), digits: 4)) is not allowed in YAML",
        at: markOfByte(in: bytes, at: index, start: start),
        hint: "remove it, or write it as an escape in a double-quoted string")
}

private func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}

/// The mark of the byte at `index`, found by counting from the start; only used for errors.
/// The bytes before `index` are known to be valid UTF-8.
private func markOfByte(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, start: Int) -> YAMLMark {
    var line = 1
    var lineStart = start
    var i = start
    while i < index {
        let byte = bytes[i]
        i += 1
        if byte == 0x0A || byte == 0x0D && (i >= index || bytes[i] != 0x0A) {
            line += 1
            lineStart = i
        }
    }
    let column = bytes[lineStart..<index].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    return YAMLMark(line: line, column: column)
}
