public import Foundation

/// Two ed25519 keys made with ssh-keygen for the signed-commit tests: `allowed` is in the
/// allowed-signers file, `stranger` is not. Paths are of the private keys (git's
/// `user.signingkey` for `gpg.format=ssh`).
public struct SigningKeys {
    public let allowed: String
    public let stranger: String
    public let allowedSigners: String

    public init(in folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        allowed = folder + "/allowed"
        stranger = folder + "/stranger"
        for key in [allowed, stranger] {
            try runTool("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "expctl tests", "-f", key])
        }
        let publicKey = try String(contentsOfFile: allowed + ".pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        allowedSigners = folder + "/allowed_signers"
        try "tests@expctl.invalid namespaces=\"git\" \(publicKey)\n".write(
            toFile: allowedSigners, atomically: true, encoding: .utf8)
    }
}

/// Runs a tool found on PATH with its output discarded; a non-zero exit is a `FixtureError`.
public func runTool(_ tool: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw FixtureError(message: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
    }
}
