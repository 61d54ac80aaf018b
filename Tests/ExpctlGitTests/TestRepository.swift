// A throwaway git repository for tests, made and changed with the `git` command-line tool.
import Foundation

/// A non-bare repository (initial branch `main`) in a new temporary directory.
struct TestRepository {
    /// The work tree.
    let path: String

    /// Runs `body` with a new, empty repository and deletes the repository afterwards.
    static func with<R>(_ body: (TestRepository) throws -> R) throws -> R {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let repository = TestRepository(path: directory)
        try repository.git("init", "-q", "-b", "main")
        try repository.git("config", "user.name", "expctl tests")
        try repository.git("config", "user.email", "tests@expctl.invalid")
        return try body(repository)
    }

    /// Runs `body` with a new empty directory that is not a repository, deleted afterwards.
    static func withPlainDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try body(directory)
    }

    /// Writes a file in the work tree, creating its directories.
    func write(_ relativePath: String, _ contents: String) throws {
        try write(relativePath, bytes: Array(contents.utf8))
    }

    func write(_ relativePath: String, bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Stages everything in the work tree and commits it; returns the new commit's SHA.
    @discardableResult
    func commitAll(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    /// Runs `git` in the work tree and returns its standard output without the final newline.
    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try runGit(["-C", path] + arguments)
    }
}

struct GitCommandFailed: Error, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var standardError: String
    var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(standardError)" }
}

/// Runs `git` isolated from the machine's system and global configuration.
@discardableResult
func runGit(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    process.environment = environment
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw GitCommandFailed(
            arguments: arguments, status: process.terminationStatus,
            standardError: String(decoding: errorData, as: UTF8.self))
    }
    var text = String(decoding: outputData, as: UTF8.self)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
}

private func makeTemporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("expctl-git-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}
