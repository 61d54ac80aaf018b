// A repository named by URL rather than by a local path, and what may be shown of it.
import Foundation

/// The address of a remote repository: `https://`, `http://`, `ssh://`, `git://`, `file://`,
/// or git's scp-like `user@host:path`.
///
/// Credentials may ride in the URL (`https://user:token@host/…`); `redacted` is what messages,
/// pages, logs and folder names use, and the full URL goes to libgit2 only. The mirror's config
/// never holds it: fetches go through an anonymous remote.
public struct RemoteURL: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given, credentials included.
    public let full: String
    /// `https`, `http`, `ssh`, `git` or `file` (`ssh` for the scp-like form).
    public let scheme: String
    /// The host, empty for `file://`.
    public let host: String
    /// The port the URL names, if any.
    public let port: Int?
    /// The user name the URL names (percent-decoded), if any.
    public let username: String?
    /// The password or token the URL names (percent-decoded), if any.
    public let password: String?
    /// The path on the host (or on this machine for `file://`).
    public let path: String

    /// The URL without credentials: for `http(s)` all of the user part goes (a token often
    /// stands where a user name would), for `ssh` only a password.
    public var redacted: String {
        if isScpLike { return (username.map { "\($0)@" } ?? "") + host + ":" + path }
        let keptUser = scheme == "ssh" || scheme == "git" ? username.map { "\($0)@" } ?? "" : ""
        let hostPart = host + (port.map { ":\($0)" } ?? "")
        return "\(scheme)://\(keptUser)\(hostPart)\(path.hasPrefix("/") || path.isEmpty ? "" : "/")\(path)"
    }

    public var description: String { redacted }

    private let isScpLike: Bool

    /// The remote that `text` names, or nil when it is a local path (a path keeps today's
    /// behaviour: the repository is opened where it is, no mirror).
    public init?(_ text: String) {
        full = text
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            guard ["https", "http", "ssh", "git", "file"].contains(scheme) else { return nil }
            self.scheme = scheme
            isScpLike = false
            let rest = text[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            path = String(rest[authorityEnd...])
            var hostPart = authority
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                hostPart = authority[authority.index(after: at)...]
                if let colon = userInfo.firstIndex(of: ":") {
                    username = Self.percentDecoded(userInfo[..<colon])
                    password = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
                } else {
                    username = Self.percentDecoded(userInfo)
                    password = nil
                }
            } else {
                username = nil
                password = nil
            }
            if let colon = hostPart.lastIndex(of: ":"), let port = Int(hostPart[hostPart.index(after: colon)...]) {
                host = String(hostPart[..<colon])
                self.port = port
            } else {
                host = String(hostPart)
                port = nil
            }
            guard scheme == "file" || !host.isEmpty else { return nil }
            return
        }
        // git's rule for the scp-like form: a colon before the first slash.
        guard let colon = text.firstIndex(of: ":"), !text.hasPrefix("/"), !text.hasPrefix("."),
            !text[..<colon].contains("/"), colon != text.startIndex
        else { return nil }
        let authority = text[..<colon]
        scheme = "ssh"
        isScpLike = true
        port = nil
        password = nil
        path = String(text[text.index(after: colon)...])
        if let at = authority.lastIndex(of: "@") {
            username = String(authority[..<at])
            host = String(authority[authority.index(after: at)...])
        } else {
            username = nil
            host = String(authority)
        }
    }

    /// The mirror's folder name: readable (host and path) and unique (a hash of the redacted
    /// URL), so that the same repository reached with another token shares one mirror.
    public var mirrorFolderName: String {
        let readable = (host.isEmpty ? "local" : host) + "_" + path
        var name = ""
        for character in readable.unicodeScalars.prefix(80) {
            let keep =
                character.properties.isAlphabetic && character.isASCII
                || ("0"..."9").contains(character) || character == "." || character == "-"
            name.unicodeScalars.append(keep ? character : "_")
        }
        while name.contains("__") { name = name.replacingOccurrences(of: "__", with: "_") }
        return name.trimmingCharacters(in: ["_", "."]) + "-" + Self.fnv1a(redacted) + ".git"
    }

    /// FNV-1a, 64 bits, as 16 hex digits: stable across runs and machines, unlike `Hasher`.
    private static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func percentDecoded(_ text: Substring) -> String {
        let input = Array(text.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let value = UInt8(String(decoding: input[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
