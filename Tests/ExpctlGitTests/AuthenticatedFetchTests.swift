import ExpctlGit
import Foundation
import Testing

@Suite("Fetching with credentials")
struct AuthenticatedFetchTests {
    static let user = "ci-bot"
    static let token = "s3cret-token-0123456789"

    @Test func credentialsFromTheEnvironmentOrTheURLFetchAndAWrongOneFailsWithoutShowingIt() throws {
        try TestRepository.with { origin in
            try origin.write("configs/a.yaml", "a: 1\n")
            let head = try origin.commitAll("first")
            let served = URL(fileURLWithPath: origin.path).appendingPathComponent(".served").path
            try runGit(["clone", "-q", "--bare", origin.path, served + "/desired.git"])
            let server = try GitHTTPServer(root: served, user: Self.user, password: Self.token)
            defer { server.stop() }
            try withMirrorRoot { root in
                let url = try #require(RemoteURL("http://127.0.0.1:\(server.port)/desired.git"))
                let environment = ["EXPCTL_GIT_USERNAME": Self.user, "EXPCTL_GIT_TOKEN": Self.token]
                let mirror = try GitMirror(url: url, root: root, credentials: GitCredentials(environment: environment))
                try mirror.fetch()
                #expect(try mirror.repository.resolveCommit(nil).id.hex == head)

                let inURL = try #require(
                    RemoteURL("http://\(Self.user):\(Self.token)@127.0.0.1:\(server.port)/desired.git"))
                #expect(!inURL.redacted.contains(Self.token))
                try GitMirror(url: inURL, root: root, credentials: GitCredentials()).fetch()

                let wrong = "wrong-token-9876543210"
                let refused = try GitMirror(
                    url: url, root: root + "-wrong",
                    credentials: GitCredentials(environment: [
                        "EXPCTL_GIT_USERNAME": Self.user, "EXPCTL_GIT_PASSWORD": wrong,
                    ]))
                do throws(GitError) {
                    try refused.fetch()
                    Issue.record("a wrong token fetched")
                } catch {
                    #expect(!error.description.contains(wrong) && !error.message.contains(wrong))
                    #expect(error.description.contains("cannot fetch http://127.0.0.1:\(server.port)/desired.git"))
                }
                try? FileManager.default.removeItem(atPath: root + "-wrong")
                // No credentials at all: refused, and the way to give them is named.
                do throws(GitError) {
                    try GitMirror(url: url, root: root, credentials: GitCredentials()).fetch()
                    Issue.record("an anonymous fetch passed basic auth")
                } catch {
                    #expect(error.description.contains("EXPCTL_GIT_TOKEN"), "\(error.description)")
                }
            }
        }
    }
}

/// `git_http_server.py`: git-http-backend behind basic auth on a free loopback port.
final class GitHTTPServer {
    let port: Int
    private let process = Process()

    init(root: String, user: String, password: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "git_http_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, root, user, password]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw GitCommandFailed(arguments: ["git_http_server.py"], status: -1, standardError: "no port")
        }
        self.port = port
    }

    /// SIGKILL, as for the git daemon: a test thread's signal mask may block SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
