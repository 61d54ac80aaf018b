public import Foundation
import Testing

/// A throwaway git repository made with the `git` command line, removed on deinit.
/// Commits use fixed names and dates so their ids are the same on every run.
public final class GitFixture {
    public let directory: URL
    private var commitCount = 0

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public var path: String { directory.path }

    /// Copies a directory of the expctl source tree (e.g. `configs`) into the repository.
    public func copyFromSourceTree(_ relativePath: String, to destination: String) throws {
        let source = GitFixture.sourceRoot.appendingPathComponent(relativePath)
        try FileManager.default.copyItem(at: source, to: directory.appendingPathComponent(destination))
    }

    public func write(_ relativePath: String, _ text: String) throws {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    public func read(_ relativePath: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relativePath), encoding: .utf8)
    }

    @discardableResult
    public func commitAll(_ message: String) throws -> String {
        commitCount += 1
        let date = "2025-01-0\(min(commitCount, 9))T12:00:00Z"
        try git("add", "-A")
        try git("commit", "-q", "-m", message, environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    public func git(_ arguments: String..., environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory.path, "-c", "user.name=expctl tests", "-c", "user.email=tests@expctl.invalid",
                             "-c", "commit.gpgsign=false"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: "git \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The root of the expctl package, found from this file's path.
    public static let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

public struct FixtureError: Error {
    public var message: String

    public init(message: String) { self.message = message }
}
