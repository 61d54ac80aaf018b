// What libgit2 is given when a remote asks who we are, and the callbacks that hand it over.
import CGit2
import Foundation

/// Credentials for fetching, from the environment (never from the command line, where `ps`
/// would show them):
///
/// | variable | for |
/// | --- | --- |
/// | `EXPCTL_GIT_USERNAME`, `EXPCTL_GIT_PASSWORD` (or `EXPCTL_GIT_TOKEN`) | `https://` |
/// | `EXPCTL_GIT_SSH_KEY` (a private key file), `EXPCTL_GIT_SSH_PASSPHRASE` | `ssh://` |
/// | `SSH_AUTH_SOCK` (an ssh-agent), when no key file is named | `ssh://` |
/// | `EXPCTL_GIT_KNOWN_HOSTS` (default `~/.ssh/known_hosts`) | the SSH host's key |
///
/// A user and password in the URL itself are used when the environment names none.
public struct GitCredentials: Sendable {
    public var username: String?
    public var password: String?
    public var sshKeyPath: String?
    public var sshPassphrase: String?
    public var useSSHAgent: Bool
    public var knownHostsPath: String?

    public init(
        username: String? = nil, password: String? = nil, sshKeyPath: String? = nil, sshPassphrase: String? = nil,
        useSSHAgent: Bool = false, knownHostsPath: String? = nil
    ) {
        self.username = username
        self.password = password
        self.sshKeyPath = sshKeyPath
        self.sshPassphrase = sshPassphrase
        self.useSSHAgent = useSSHAgent
        self.knownHostsPath = knownHostsPath
    }

    public init(environment: [String: String]) {
        let nonEmpty = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        self.init(
            username: nonEmpty("EXPCTL_GIT_USERNAME"),
            password: nonEmpty("EXPCTL_GIT_PASSWORD") ?? nonEmpty("EXPCTL_GIT_TOKEN"),
            sshKeyPath: nonEmpty("EXPCTL_GIT_SSH_KEY"), sshPassphrase: nonEmpty("EXPCTL_GIT_SSH_PASSPHRASE"),
            useSSHAgent: nonEmpty("SSH_AUTH_SOCK") != nil,
            knownHostsPath: nonEmpty("EXPCTL_GIT_KNOWN_HOSTS") ?? nonEmpty("HOME").map { $0 + "/.ssh/known_hosts" })
    }

    /// Every secret these credentials and `url` hold, to scrub from libgit2's messages.
    func secrets(with url: RemoteURL) -> [String] {
        [password, sshPassphrase, url.password].compactMap { $0 }.filter { $0.count >= 4 }
    }
}

/// The state of one fetch's callbacks. libgit2 asks again after a refused credential; each
/// kind is offered once, so a wrong token ends the fetch instead of looping.
final class FetchCallbackState {
    let url: RemoteURL
    let credentials: GitCredentials
    private var offered: Set<UInt32> = []
    /// Why the host's key was refused, for the error message.
    var hostKeyProblem: String?

    init(url: RemoteURL, credentials: GitCredentials) {
        self.url = url
        self.credentials = credentials
    }

    func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32
    ) -> Int32 {
        let username = credentials.username ?? url.username ?? usernameFromURL ?? "git"
        let kinds: [(git_credential_t, () -> Int32)] = [
            (GIT_CREDENTIAL_SSH_KEY, { self.sshKey(out, username: username) }),
            (GIT_CREDENTIAL_USERPASS_PLAINTEXT, { self.userPassword(out, username: username) }),
            (GIT_CREDENTIAL_USERNAME, { git_credential_username_new(out, username) }),
        ]
        for (kind, make) in kinds where allowed & kind.rawValue != 0 && !offered.contains(kind.rawValue) {
            offered.insert(kind.rawValue)
            let result = make()
            if result != GIT_PASSTHROUGH.rawValue { return result }
        }
        git_error_set_str(
            Int32(GIT_ERROR_NET.rawValue),
            "authentication to \(url.redacted) failed: no (more) credentials to offer; set EXPCTL_GIT_USERNAME and "
                + "EXPCTL_GIT_PASSWORD (or EXPCTL_GIT_TOKEN) for https, EXPCTL_GIT_SSH_KEY or an ssh-agent for ssh")
        return GIT_EAUTH.rawValue
    }

    private func userPassword(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, username: String)
        -> Int32
    {
        guard let password = credentials.password ?? url.password else { return GIT_PASSTHROUGH.rawValue }
        return git_credential_userpass_plaintext_new(out, username, password)
    }

    private func sshKey(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, username: String) -> Int32 {
        if let key = credentials.sshKeyPath {
            return git_credential_ssh_key_new(out, username, nil, key, credentials.sshPassphrase)
        }
        return credentials.useSSHAgent ? git_credential_ssh_key_from_agent(out, username) : GIT_PASSTHROUGH.rawValue
    }

    /// SSH host keys: libgit2 1.5 checks none itself, so the key must be in the known-hosts
    /// file (as `ssh` would insist). TLS certificates are left to libgit2, which checks them.
    func checkCertificate(_ certificate: UnsafeMutablePointer<git_cert>, host: String) -> Int32 {
        guard certificate.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return GIT_PASSTHROUGH.rawValue }
        let hostKey = UnsafeMutableRawPointer(certificate).assumingMemoryBound(to: git_cert_hostkey.self).pointee
        guard hostKey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostKey.hostkey else {
            hostKeyProblem = "libgit2 gave no raw host key for \(host)"
            return GIT_ECERTIFICATE.rawValue
        }
        let key = Data(bytes: raw, count: hostKey.hostkey_len).base64EncodedString()
        guard let knownHosts = credentials.knownHostsPath else {
            hostKeyProblem = "no known-hosts file to check \(host)'s key against (EXPCTL_GIT_KNOWN_HOSTS)"
            return GIT_ECERTIFICATE.rawValue
        }
        switch KnownHosts.check(host: host, port: url.port, key: key, file: knownHosts) {
        case .known: return 0
        case .unknown(let problem):
            hostKeyProblem = problem
            return GIT_ECERTIFICATE.rawValue
        }
    }

    /// The callbacks for `git_fetch_options`, with this object as their payload. The object
    /// must outlive the fetch.
    func install(in callbacks: inout git_remote_callbacks) {
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
            let state = Unmanaged<FetchCallbackState>.fromOpaque(payload).takeUnretainedValue()
            return state.acquire(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowed)
        }
        callbacks.certificate_check = { certificate, _, host, payload in
            guard let certificate, let payload else { return GIT_PASSTHROUGH.rawValue }
            let state = Unmanaged<FetchCallbackState>.fromOpaque(payload).takeUnretainedValue()
            return state.checkCertificate(certificate, host: host.map { String(cString: $0) } ?? "")
        }
    }
}

/// Looks a host's key up in an OpenSSH known-hosts file through `ssh-keygen -F`, which also
/// reads hashed entries.
enum KnownHosts {
    enum Verdict: Equatable {
        case known
        case unknown(String)
    }

    static func check(host: String, port: Int?, key: String, file: String) -> Verdict {
        guard FileManager.default.fileExists(atPath: file) else {
            return .unknown("the known-hosts file \(file) does not exist; add \(host)'s key with ssh-keyscan")
        }
        let name = port.map { $0 == 22 ? host : "[\(host)]:\($0)" } ?? host
        guard let result = try? ToolProcess.run("ssh-keygen", ["-F", name, "-f", file]) else {
            return .unknown("cannot run ssh-keygen to check \(host)'s key")
        }
        let lines = String(decoding: result.output, as: UTF8.self).split(separator: "\n")
        let matches = lines.contains { line in
            !line.hasPrefix("#") && line.split(separator: " ").dropFirst().contains { $0 == key }
        }
        return matches ? .known : .unknown("\(name)'s host key is not in \(file)")
    }
}
