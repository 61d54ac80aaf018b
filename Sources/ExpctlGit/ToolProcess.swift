// Running the tools git itself runs (ssh-keygen, gpg): by path and argument list, no shell.
import Foundation

/// One run of an external tool. Its input and output go through files in a private temporary
/// folder, so that neither side can block on a full pipe.
struct ToolProcess {
    struct Result {
        var status: Int32
        var output: [UInt8]
        var error: String
    }

    enum Failure: Error, CustomStringConvertible {
        case notFound(String)
        case cannotStart(String, String)

        var description: String {
            switch self {
            case .notFound(let tool): "\(tool) is not installed (not on PATH)"
            case .cannotStart(let tool, let reason): "cannot run \(tool): \(reason)"
            }
        }
    }

    /// Runs `tool` (looked up on PATH) with `arguments`, `input` on its standard input, and
    /// `environment` added to ours; waits for it to end.
    static func run(
        _ tool: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:]
    ) throws -> Result {
        guard let executable = locate(tool) else { throw Failure.notFound(tool) }
        return try TemporaryFolder.with { folder in
            let inputURL = folder.appendingPathComponent("stdin")
            let outputURL = folder.appendingPathComponent("stdout")
            let errorURL = folder.appendingPathComponent("stderr")
            try Data(input).write(to: inputURL)
            _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
            let stdin = try FileHandle(forReadingFrom: inputURL)
            let stdout = try FileHandle(forWritingTo: outputURL)
            let stderr = try FileHandle(forWritingTo: errorURL)
            defer {
                try? stdin.close()
                try? stdout.close()
                try? stderr.close()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            do {
                try process.run()
            } catch {
                throw Failure.cannotStart(tool, "\(error)")
            }
            process.waitUntilExit()
            let output = try [UInt8](Data(contentsOf: outputURL))
            let errorText = String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
            return Result(status: process.terminationStatus, output: output, error: errorText)
        }
    }

    private static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A folder only this process can read, removed when `body` returns.
enum TemporaryFolder {
    static func with<Result>(_ body: (URL) throws -> Result) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }
}
