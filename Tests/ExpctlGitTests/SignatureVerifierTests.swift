import ExpctlGit
import Foundation
import PostgresTestSupport
import Testing

@Suite("Commit signatures")
struct SignatureVerifierTests {
    @Test func anSSHSignatureOfAnAllowedKeyIsTrustedAndOthersAreRefused() throws {
        try TestRepository.with { repository in
            let keys = try SigningKeys(in: repository.path + "/.keys")
            try repository.write("a.yaml", "a: 1\n")
            let unsigned = try repository.commitAll("unsigned")
            try repository.write("a.yaml", "a: 2\n")
            let signed = try repository.commitSigned("signed", key: keys.allowed)
            try repository.write("a.yaml", "a: 3\n")
            let stranger = try repository.commitSigned("signed by a stranger", key: keys.stranger)

            let git = try GitRepository(path: repository.path)
            let verifier = SignatureVerifier(allowedSigners: keys.allowedSigners, gpgKeyring: nil)
            let unsignedID = try #require(ObjectID(hex: unsigned))
            #expect(try git.signature(of: unsignedID) == nil)
            #expect(verifier.verify(nil) == .refused("the commit is not signed"))

            let signedID = try #require(ObjectID(hex: signed))
            let signature = try #require(try git.signature(of: signedID))
            #expect(signature.kind == .ssh)
            #expect(verifier.verify(signature) == .trusted(signer: "tests@expctl.invalid"))

            let strangerID = try #require(ObjectID(hex: stranger))
            let strangers = try git.signature(of: strangerID)
            guard case .refused(let reason) = verifier.verify(strangers) else {
                Issue.record("a key outside the allowed signers was trusted")
                return
            }
            #expect(reason.contains("not in \(keys.allowedSigners)"))

            // The signature must cover this payload: a changed payload does not verify.
            var tampered = signature
            tampered.payload += Array("tampered\n".utf8)
            guard case .refused = verifier.verify(tampered) else {
                Issue.record("a signature verified over a changed commit")
                return
            }
            let gpgOnly = SignatureVerifier(allowedSigners: nil, gpgKeyring: "/nonexistent")
            #expect(
                gpgOnly.verify(signature)
                    == .refused("the commit has an SSH signature and no allowed-signers file is given"))
        }
    }
}

extension TestRepository {
    /// Commits everything, signed with the SSH private key at `key` (git's `gpg.format=ssh`).
    @discardableResult
    func commitSigned(_ message: String, key: String) throws -> String {
        try git("add", "-A")
        try git(
            "-c", "gpg.format=ssh", "-c", "user.signingkey=\(key)", "commit", "-q", "-S", "--allow-empty", "-m", message
        )
        return try git("rev-parse", "HEAD")
    }
}

@Suite("Commit signatures: GPG")
struct GPGSignatureTests {
    @Test func aGPGSignatureOfAKeyInTheKeyringIsTrustedAndAnotherKeysIsNot() throws {
        try TestRepository.with { repository in
            let home = repository.path + "/.gnupg"
            try FileManager.default.createDirectory(
                atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { _ = try? run("gpgconf", ["--homedir", home, "--kill", "gpg-agent"], home: home) }
            for name in ["allowed", "stranger"] {
                try run(
                    "gpg",
                    [
                        "--batch", "--homedir", home, "--passphrase", "", "--quick-gen-key",
                        "\(name) <\(name)@expctl.invalid>", "ed25519", "sign", "never",
                    ], home: home)
            }
            let keyring = repository.path + "/allowed.asc"
            let exported = try run(
                "gpg", ["--homedir", home, "--armor", "--export", "allowed@expctl.invalid"], home: home)
            try exported.write(toFile: keyring, atomically: true, encoding: .utf8)

            try repository.write("a.yaml", "a: 1\n")
            try run(
                "git", ["-C", repository.path, "add", "-A"], home: home)
            try run(
                "git",
                [
                    "-C", repository.path, "-c", "user.signingkey=allowed@expctl.invalid", "commit", "-q", "-S",
                    "-m", "signed",
                ], home: home)
            let signed = try repository.git("rev-parse", "HEAD")
            try run(
                "git",
                [
                    "-C", repository.path, "-c", "user.signingkey=stranger@expctl.invalid", "commit", "-q", "-S",
                    "--allow-empty", "-m", "stranger",
                ], home: home)
            let stranger = try repository.git("rev-parse", "HEAD")

            let git = try GitRepository(path: repository.path)
            let verifier = SignatureVerifier(allowedSigners: nil, gpgKeyring: keyring)
            let signedID = try #require(ObjectID(hex: signed))
            let signature = try #require(try git.signature(of: signedID))
            #expect(signature.kind == .gpg)
            guard case .trusted(let signer) = verifier.verify(signature) else {
                Issue.record("a signature of the keyring's key was refused: \(verifier.verify(signature))")
                return
            }
            #expect(signer.contains("allowed <allowed@expctl.invalid>"))
            let strangerID = try #require(ObjectID(hex: stranger))
            guard case .refused = verifier.verify(try git.signature(of: strangerID)) else {
                Issue.record("a key outside the keyring was trusted")
                return
            }
            var tampered = signature
            tampered.payload += Array("tampered\n".utf8)
            guard case .refused = verifier.verify(tampered) else {
                Issue.record("a GPG signature verified over a changed commit")
                return
            }
        }
    }

    /// Runs a tool with `GNUPGHOME` set and git's configuration isolated; returns its output.
    @discardableResult
    private func run(_ tool: String, _ arguments: [String], home: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GNUPGHOME"] = home
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_NAME"] = "expctl tests"
        environment["GIT_AUTHOR_EMAIL"] = "tests@expctl.invalid"
        environment["GIT_COMMITTER_NAME"] = "expctl tests"
        environment["GIT_COMMITTER_EMAIL"] = "tests@expctl.invalid"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GitCommandFailed(arguments: [tool] + arguments, status: process.terminationStatus, standardError: "")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
