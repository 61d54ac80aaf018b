import ExpctlGit
import Foundation
import Testing

@Suite("Mirrors of remote repositories")
struct GitMirrorTests {
    @Test func aFileURLIsMirroredAndFollowedIncludingForcePushes() throws {
        try TestRepository.with { origin in
            try origin.write("configs/a.yaml", "a: 1\n")
            let first = try origin.commitAll("first")
            try withMirrorRoot { root in
                let url = try #require(RemoteURL("file://\(origin.path)"))
                let mirror = try GitMirror(url: url, root: root, credentials: GitCredentials())
                #expect(mirror.repository.isBare)
                #expect(mirror.path.hasPrefix(root + "/local_"))
                let report = try mirror.fetch()
                #expect(report.defaultBranch == "refs/heads/main")
                #expect(try mirror.repository.resolveCommit(nil).id.hex == first)

                try origin.write("configs/a.yaml", "a: 2\n")
                let second = try origin.commitAll("second")
                try mirror.fetch()
                #expect(try mirror.repository.resolveCommit("main").id.hex == second)
                let firstID = try #require(ObjectID(hex: first))
                let secondID = try #require(ObjectID(hex: second))
                #expect(try mirror.repository.commit(secondID, descendsFrom: firstID))

                // A force-push moves the mirror's branch too: the loop, not the mirror, refuses it.
                try origin.git("reset", "-q", "--hard", first)
                try origin.write("configs/a.yaml", "a: 3\n")
                let rewritten = try origin.commitAll("rewritten")
                try mirror.fetch()
                let rewrittenID = try #require(ObjectID(hex: rewritten))
                #expect(try mirror.repository.resolveCommit(nil).id.hex == rewritten)
                #expect(try !mirror.repository.commit(rewrittenID, descendsFrom: secondID))

                // A second process opens the same mirror instead of making another.
                let reopened = try GitMirror(url: url, root: root, credentials: GitCredentials())
                #expect(reopened.path == mirror.path)
                #expect(try reopened.repository.resolveCommit(nil).id.hex == rewritten)
            }
        }
    }

    @Test func aGitDaemonOnLoopbackIsFetched() throws {
        try TestRepository.with { origin in
            try origin.write("configs/a.yaml", "a: 1\n")
            let head = try origin.commitAll("first")
            let parent = URL(fileURLWithPath: origin.path).deletingLastPathComponent().path
            let name = URL(fileURLWithPath: origin.path).lastPathComponent
            let daemon = try GitDaemon(basePath: parent, exporting: origin.path)
            defer { daemon.stop() }
            try withMirrorRoot { root in
                let url = try #require(RemoteURL("git://127.0.0.1:\(daemon.port)/\(name)"))
                let mirror = try GitMirror(url: url, root: root, credentials: GitCredentials())
                try daemon.waitUntilServing { try mirror.fetch() }
                #expect(try mirror.repository.resolveCommit(nil).id.hex == head)
                #expect(mirror.path.contains("127.0.0.1_"))
            }
        }
    }

    @Test func aFailedFetchNamesTheURLWithoutItsToken() throws {
        try withMirrorRoot { root in
            let port = try GitDaemon.freePort()
            let url = try #require(RemoteURL("http://user:supersecret-token@127.0.0.1:\(port)/team/desired.git"))
            let mirror = try GitMirror(url: url, root: root, credentials: GitCredentials())
            do throws(GitError) {
                try mirror.fetch()
                Issue.record("a fetch from a closed port succeeded")
            } catch {
                #expect(error.description.contains("http://127.0.0.1:\(port)/team/desired.git"))
                #expect(!error.description.contains("supersecret-token"))
                #expect(!error.message.contains("supersecret-token"))
            }
        }
    }
}

/// A new folder for mirrors, removed afterwards.
func withMirrorRoot<R>(_ body: (String) throws -> R) throws -> R {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-mirrors-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    return try body(root.path)
}

/// `git daemon` serving one repository under a base folder on a free loopback port.
final class GitDaemon {
    let port: Int
    private let process = Process()

    init(basePath: String, exporting repository: String) throws {
        port = try Self.freePort()
        // The daemon itself, not `git daemon`: SIGTERM to the `git` wrapper would not reach it.
        process.executableURL = URL(fileURLWithPath: try runGit(["--exec-path"]) + "/git-daemon")
        process.arguments = [
            "--export-all", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)",
            "--base-path=\(basePath)", repository,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Retries `fetch` until the daemon listens (it takes a moment to bind), for up to 10 s.
    func waitUntilServing(_ fetch: () throws -> Void) throws {
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                return try fetch()
            } catch  where Date() < deadline {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    /// SIGKILL: a child started from a test thread may inherit a mask that blocks SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A port nothing listens on now: bound to port 0, read back, closed.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw GitCommandFailed(arguments: ["bind"], status: errno, standardError: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
