public import Foundation

/// Debian's `chromium` in headless mode, through `Process` and argv (no shell): a page's DOM
/// after it rendered, and screenshots kept as test artifacts. Each run gets a user-data folder
/// of its own and is killed if it takes longer than `timeout`.
public enum HeadlessChromium {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where screenshots go: `$EXPCTL_TEST_ARTIFACTS`, else `.build/test-artifacts` of the package.
    public static var artifacts: URL {
        if let folder = ProcessInfo.processInfo.environment["EXPCTL_TEST_ARTIFACTS"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        return GitFixture.sourceRoot.appendingPathComponent(".build/test-artifacts")
    }

    /// The DOM of `url` once loaded, as HTML.
    public static func dumpDOM(_ url: String, timeout: Double = 60) async throws -> String {
        String(decoding: try await run(["--dump-dom", url], timeout: timeout), as: UTF8.self)
    }

    /// A PNG screenshot of `url` saved as `name` among the artifacts; returns its path.
    @discardableResult
    public static func screenshot(_ url: String, name: String, width: Int = 1280, height: Int = 2000, timeout: Double = 60)
        async throws -> URL
    {
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let file = artifacts.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: file)
        _ = try await run(["--screenshot=\(file.path)", "--window-size=\(width),\(height)", url], timeout: timeout)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw Failure(description: "chromium wrote no screenshot at \(file.path)")
        }
        return file
    }

    /// Runs chromium on a thread of its own (it blocks), its standard output.
    private static func run(_ arguments: [String], timeout: Double) async throws -> Data {
        guard let executable = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) else {
            throw Failure(description: "chromium is not installed: scripts/install-deps installs it")
        }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: profile) }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments =
                    ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile.path)"]
                    + arguments
                let output = Pipe()
                process.standardOutput = output
                process.standardError = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let killer = DispatchWorkItem { kill(process.processIdentifier, SIGKILL) }
                DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                killer.cancel()
                guard process.terminationStatus == 0 else {
                    continuation.resume(throwing: Failure(description: "chromium exited with \(process.terminationStatus)"))
                    return
                }
                continuation.resume(returning: data)
            }
        }
    }
}
