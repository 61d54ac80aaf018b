// Keeping credentials out of every text this module hands out (errors, descriptions, logs).
//
// Work is done on UTF-8 bytes: a secret must be found even where it does not fall on
// `Character` boundaries of the surrounding text, and the patterns are ASCII.

import ExpctlRedaction

/// Scrubs `user:password@` from URLs and known secrets from any text, for messages.
///
/// Two layers, because neither alone is enough:
/// - the secrets a transport knows of (a bearer token, a basic password and its encoded pair,
///   the password in a request URL) are masked wherever they occur, as written, percent-encoded
///   and percent-decoded, also inside libcurl's wording;
/// - the userinfo of every `scheme://user:password@host` and the values of secret-looking query
///   parameters (`token`, `X-Amz-Signature`, ...) are masked whether or not they are known.
///
/// A known secret is masked even where it is an ordinary word of the message: readability
/// gives way to never leaking it.
public enum SecretScrubber {
    public static let mask = "***"

    /// `url` with its userinfo replaced by the mask (`https://***@host/path`) and the values of
    /// secret-looking query parameters masked. A URL without a scheme is read as curl reads it,
    /// from the authority on.
    public static func scrubURL(_ url: String) -> String {
        var bytes = Array(url.utf8)
        if RedactionBytes.firstIndex(of: schemeSeparator, in: bytes, from: 0) == nil {
            scrubURL(in: &bytes, authorityStart: 0, end: bytes.count)
        } else {
            scrubURLs(in: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` with every one of `secrets` masked and every URL in it scrubbed as `scrubURL` does.
    public static func scrub(_ text: String, secrets: [String] = []) -> String {
        var bytes = Array(text.utf8)
        let mask = Array(Self.mask.utf8)
        for secret in forms(of: secrets) { RedactionBytes.replaceAll(secret, with: mask, in: &bytes) }
        scrubURLs(in: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The secrets in a URL's userinfo: the password, or the user name when there is no
    /// password (a token written as the user, as git hosts accept).
    public static func secrets(inURL url: String) -> [String] {
        let bytes = Array(url.utf8)
        let start = RedactionBytes.firstIndex(of: schemeSeparator, in: bytes, from: 0).map { $0 + schemeSeparator.count } ?? 0
        guard let userinfo = userinfoRange(in: bytes, authorityStart: start, end: bytes.count) else { return [] }
        let info = bytes[userinfo]
        let secret = info.firstIndex(of: colon).map { info[($0 + 1)...] } ?? info
        return secret.isEmpty ? [] : [String(decoding: secret, as: UTF8.self)]
    }

    /// Query parameters whose lower-cased name contains one of these have their value masked.
    public static let secretParameterWords = [
        "token", "password", "passwd", "secret", "signature", "credential", "apikey", "api_key", "api-key",
    ]
    /// Query parameters with exactly one of these lower-cased names have their value masked.
    public static let secretParameterNames: Set<String> = ["key", "sig", "auth", "authorization"]
}

// MARK: - URLs

private let schemeSeparator = Array("://".utf8)
private let colon = UInt8(ascii: ":")

extension SecretScrubber {
    /// Scrubs each `scheme://...` in `bytes`; a URL ends at whitespace, a quote or an angle bracket.
    fileprivate static func scrubURLs(in bytes: inout [UInt8]) {
        var index = 0
        while let found = RedactionBytes.firstIndex(of: schemeSeparator, in: bytes, from: index) {
            let start = found + schemeSeparator.count
            var end = start
            while end < bytes.count, !endsURL(bytes[end]) { end += 1 }
            let before = bytes.count
            scrubURL(in: &bytes, authorityStart: start, end: end)
            index = end + (bytes.count - before)
        }
    }

    /// Masks the userinfo and secret query values of the URL whose authority starts at
    /// `authorityStart` and which ends at `end`.
    fileprivate static func scrubURL(in bytes: inout [UInt8], authorityStart: Int, end: Int) {
        let mask = Array(Self.mask.utf8)
        var ranges: [Range<Int>] = []
        if let userinfo = userinfoRange(in: bytes, authorityStart: authorityStart, end: end) {
            ranges.append(userinfo)
        }
        if let query = bytes[authorityStart..<end].firstIndex(of: UInt8(ascii: "?")) {
            let queryEnd = bytes[query..<end].firstIndex(of: UInt8(ascii: "#")) ?? end
            var parameterStart = query + 1
            while parameterStart <= queryEnd {
                let parameterEnd = bytes[parameterStart..<queryEnd].firstIndex { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: ";") } ?? queryEnd
                if let equals = bytes[parameterStart..<parameterEnd].firstIndex(of: UInt8(ascii: "=")),
                    equals + 1 < parameterEnd, isSecretParameter(bytes[parameterStart..<equals])
                {
                    ranges.append((equals + 1)..<parameterEnd)
                }
                parameterStart = parameterEnd + 1
            }
        }
        for range in ranges.reversed() { bytes.replaceSubrange(range, with: mask) }
    }

    /// The userinfo before the last "@" of the authority, which ends at "/", "?" or "#".
    fileprivate static func userinfoRange(in bytes: [UInt8], authorityStart: Int, end: Int) -> Range<Int>? {
        let authorityEnd = bytes[authorityStart..<end].firstIndex { "/?#".utf8.contains($0) || endsURL($0) } ?? end
        guard let at = bytes[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")), at > authorityStart else {
            return nil
        }
        return authorityStart..<at
    }

    private static func isSecretParameter(_ name: ArraySlice<UInt8>) -> Bool {
        let name = String(decoding: RedactionBytes.percentDecoded(Array(name)), as: UTF8.self).lowercased()
        return secretParameterNames.contains(name) || secretParameterWords.contains { name.contains($0) }
    }

    private static func endsURL(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (9...13).contains(byte) || "\"'`<>".utf8.contains(byte)
    }

    /// Each secret as written, percent-encoded and percent-decoded, longest first so that a
    /// secret containing another is masked whole.
    fileprivate static func forms(of secrets: [String]) -> [[UInt8]] {
        var forms: [[UInt8]] = []
        for secret in secrets where !secret.isEmpty {
            let bytes = Array(secret.utf8)
            for form in [bytes, RedactionBytes.percentEncoded(bytes), RedactionBytes.percentDecoded(bytes)] where !form.isEmpty && !forms.contains(form) {
                forms.append(form)
            }
        }
        return forms.sorted { $0.count > $1.count }
    }
}
