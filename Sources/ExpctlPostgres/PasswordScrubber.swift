// Keeping passwords out of every text this module hands out.
//
// Work is done on UTF-8 bytes: a password must be found even where it does not fall on
// `Character` boundaries of the surrounding text, and the patterns are ASCII.

import ExpctlRedaction

/// Removes passwords from text that may reach users or logs.
///
/// Two layers, because neither alone is enough:
/// - the passwords a connection knows of (from its URL or `password=` keyword, PGPASSWORD, and
///   the one libpq ended up using, which may come from a password file) are replaced wherever
///   they occur, also inside libpq's and the server's wording, in any form libpq may print;
/// - any `scheme://user:password@` userinfo and `password=value` keyword is masked whether or
///   not its value is known, so a URL or connection string echoed in a message never shows one.
///
/// A known password is replaced even where it is an ordinary word of the message (a password
/// "postgres" hides the role name "postgres" too): readability gives way to never leaking it.
struct PasswordScrubber: Sendable {
    static let mask = "***"

    /// Known passwords as UTF-8, longest first so that one containing another is masked whole.
    private var passwords: [[UInt8]] = []

    init(passwords: some Sequence<String>) {
        for password in passwords { add(password) }
    }

    mutating func add(_ password: String) {
        let bytes = Array(password.utf8)
        guard !bytes.isEmpty, !passwords.contains(bytes) else { return }
        passwords.append(bytes)
        passwords.sort { $0.count > $1.count }
    }

    func scrub(_ text: String) -> String {
        var bytes = Array(text.utf8)
        let mask = Array(Self.mask.utf8)
        for password in passwords { RedactionBytes.replaceAll(password, with: mask, in: &bytes) }
        maskURLPasswords(&bytes)
        maskPasswordKeywords(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The passwords written in a connection string: the userinfo password of a URL and the values
/// of `password` keywords or query parameters, each as written and percent-decoded.
func passwords(inConnectionString connectionString: String) -> [String] {
    let bytes = Array(connectionString.utf8)
    let ranges = urlPasswordRanges(bytes) + passwordKeywordRanges(bytes)
    return ranges.flatMap { range -> [String] in
        var value = Array(bytes[range])
        if value.first == UInt8(ascii: "'"), value.last == UInt8(ascii: "'"), value.count >= 2 {
            value = Array(value.dropFirst().dropLast())
        }
        return [String(decoding: value, as: UTF8.self), String(decoding: RedactionBytes.percentDecoded(value), as: UTF8.self)]
    }
}

// MARK: - Patterns

/// Where the password of each `scheme://user:password@host` in `bytes` is. The authority ends
/// at the first "/" (as libpq reads it) or at whitespace or a quote (the end of a URL quoted in
/// a message); the password runs from the first ":" to the last "@" in it.
private func urlPasswordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    let separator = Array("://".utf8)
    var ranges: [Range<Int>] = []
    var index = 0
    while let schemeEnd = RedactionBytes.firstIndex(of: separator, in: bytes, from: index) {
        let start = schemeEnd + separator.count
        var end = start
        while end < bytes.count, !isWhitespace(bytes[end]), !"/\"'".utf8.contains(bytes[end]) { end += 1 }
        if let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")),
            let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":")), colon + 1 < at
        {
            ranges.append((colon + 1)..<at)
        }
        index = end
    }
    return ranges
}

/// Where the value of each `password=value` (any case, spaces allowed around "=") in `bytes`
/// is: a single-quoted value with its quotes, or up to whitespace, "&", "#" or a double quote.
/// This covers connection-string keywords, URL query parameters and PGPASSWORD=.
private func passwordKeywordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
    let keyword = Array("password".utf8)
    var ranges: [Range<Int>] = []
    var index = 0
    while let found = RedactionBytes.firstIndex(of: keyword, in: bytes, from: index, ignoringCase: true) {
        var cursor = found + keyword.count
        index = cursor
        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else { continue }
        cursor += 1
        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
        let start = cursor
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "'") {
            cursor += 1
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "'") {
                cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
            }
            cursor = min(cursor + 1, bytes.count)
        } else {
            while cursor < bytes.count, !isWhitespace(bytes[cursor]), !"&#\"".utf8.contains(bytes[cursor]) {
                cursor += 1
            }
        }
        if cursor > start { ranges.append(start..<cursor) }
        index = cursor
    }
    return ranges
}

private func maskURLPasswords(_ bytes: inout [UInt8]) {
    replace(urlPasswordRanges(bytes), in: &bytes)
}

private func maskPasswordKeywords(_ bytes: inout [UInt8]) {
    replace(passwordKeywordRanges(bytes), in: &bytes)
}

// MARK: - Bytes

/// Replaces each of the ascending, non-overlapping `ranges` of `bytes` with the mask.
private func replace(_ ranges: [Range<Int>], in bytes: inout [UInt8]) {
    let mask = Array(PasswordScrubber.mask.utf8)
    for range in ranges.reversed() {
        bytes.replaceSubrange(range, with: mask)
    }
}

private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || (9...13).contains(byte)
}
