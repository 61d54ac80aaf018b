// Whether a commit is signed by a key the team allows: Argo CD's and Flux's `verify`, done with
// the tools git itself uses, on the signature and payload libgit2 extracts.
import Foundation

/// The keys a commit may be signed with: an OpenSSH allowed-signers file (git's
/// `gpg.ssh.allowedSignersFile`) and/or a GPG keyring (a public key file, armored or binary).
public struct SignatureVerifier: Sendable {
    public var allowedSigners: String?
    public var gpgKeyring: String?

    public init(allowedSigners: String?, gpgKeyring: String?) {
        self.allowedSigners = allowedSigners
        self.gpgKeyring = gpgKeyring
    }

    public enum Verdict: Sendable, Equatable {
        /// Signed by an allowed key: who, as the tool names them.
        case trusted(signer: String)
        /// Unsigned, or signed by a key not allowed, or not verifiable: why.
        case refused(String)
    }

    /// Checks `signature` (nil: the commit is unsigned).
    public func verify(_ signature: CommitSignature?) -> Verdict {
        guard let signature else { return .refused("the commit is not signed") }
        do {
            switch signature.kind {
            case .ssh:
                guard let allowedSigners else {
                    return .refused("the commit has an SSH signature and no allowed-signers file is given")
                }
                return try verifySSH(signature, allowedSigners: allowedSigners)
            case .gpg:
                guard let gpgKeyring else { return .refused("the commit has a GPG signature and no keyring is given") }
                return try verifyGPG(signature, keyring: gpgKeyring)
            case .unknown:
                return .refused("the commit's signature is neither SSH nor GPG (X.509 is not supported)")
            }
        } catch {
            return .refused("cannot verify the signature: \(error)")
        }
    }

    /// As git does: `ssh-keygen -Y find-principals` names who the key belongs to, then
    /// `ssh-keygen -Y verify` checks the signature for that principal in the `git` namespace.
    private func verifySSH(_ signature: CommitSignature, allowedSigners: String) throws -> Verdict {
        guard FileManager.default.isReadableFile(atPath: allowedSigners) else {
            return .refused("the allowed-signers file \(allowedSigners) cannot be read")
        }
        return try TemporaryFolder.with { folder in
            let signatureFile = folder.appendingPathComponent("signature").path
            try Data(signature.signature.utf8).write(to: URL(fileURLWithPath: signatureFile))
            let found = try ToolProcess.run(
                "ssh-keygen", ["-Y", "find-principals", "-f", allowedSigners, "-s", signatureFile])
            let principals = String(decoding: found.output, as: UTF8.self).split(separator: "\n").map(String.init)
            guard found.status == 0, let principal = principals.first else {
                return .refused("signed by a key that is not in \(allowedSigners)")
            }
            let verified = try ToolProcess.run(
                "ssh-keygen",
                ["-Y", "verify", "-f", allowedSigners, "-I", principal, "-n", "git", "-s", signatureFile],
                input: signature.payload)
            guard verified.status == 0 else {
                let reason = firstLine(verified.error) ?? firstLine(String(decoding: verified.output, as: UTF8.self))
                return .refused("the SSH signature does not verify for \(principal)" + (reason.map { ": \($0)" } ?? ""))
            }
            return .trusted(signer: principal)
        }
    }

    /// Imports the keyring into a throwaway GnuPG home (so neither the user's keys nor their
    /// trust settings take part), then `gpg --verify` with machine-readable status lines.
    private func verifyGPG(_ signature: CommitSignature, keyring: String) throws -> Verdict {
        guard FileManager.default.isReadableFile(atPath: keyring) else {
            return .refused("the GPG keyring \(keyring) cannot be read")
        }
        return try TemporaryFolder.with { folder in
            let home = folder.appendingPathComponent("gnupg").path
            try FileManager.default.createDirectory(
                atPath: home, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let imported = try ToolProcess.run("gpg", ["--batch", "--homedir", home, "--import", keyring])
            guard imported.status == 0 else {
                return .refused("cannot import the GPG keyring \(keyring): \(firstLine(imported.error) ?? "")")
            }
            let signatureFile = folder.appendingPathComponent("signature.asc").path
            try Data(signature.signature.utf8).write(to: URL(fileURLWithPath: signatureFile))
            let verified = try ToolProcess.run(
                "gpg", ["--batch", "--homedir", home, "--status-fd", "1", "--verify", signatureFile, "-"],
                input: signature.payload)
            let status = String(decoding: verified.output, as: UTF8.self).split(separator: "\n")
            let fields = { (keyword: String) in
                status.first { $0.hasPrefix("[GNUPG:] \(keyword) ") }.map { $0.split(separator: " ").map(String.init) }
            }
            for bad in ["EXPKEYSIG", "REVKEYSIG", "BADSIG", "ERRSIG"] where fields(bad) != nil {
                return .refused("gpg: \(bad) (\(firstLine(verified.error) ?? "the signature is not valid"))")
            }
            guard verified.status == 0, let good = fields("GOODSIG"), let valid = fields("VALIDSIG"), valid.count > 2
            else { return .refused("the GPG signature does not verify against \(keyring)") }
            return .trusted(signer: good.dropFirst(3).joined(separator: " ") + " (\(valid[2]))")
        }
    }

    private func firstLine(_ text: String) -> String? {
        text.split(separator: "\n").first.map(String.init)
    }
}
