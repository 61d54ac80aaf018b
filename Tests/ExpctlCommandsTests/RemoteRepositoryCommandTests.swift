import ExpctlPostgres
import Foundation
import PostgresTestSupport
import Testing

/// `reconcile` over a `--repo` URL: the mirror, fast-forward only, and signed commits.
@Suite("reconcile: remote repositories, history rewrites and signatures")
struct RemoteRepositoryCommandTests {
    private let mirrors = FileManager.default.temporaryDirectory.appendingPathComponent(
        "expctl-mirrors-\(UUID().uuidString)"
    ).path

    private func pass(_ repository: GitFixture, _ database: TestDatabase, _ extra: [String] = []) -> [String] {
        [
            "reconcile", "--once", "--repo", "file://\(repository.path)", "--mirror-root", mirrors, "--path", "configs",
            "--database-url", database.url, "--skip-registry",
        ] + extra
    }

    private func appliedRuns(_ database: TestDatabase) throws -> [String] {
        try database.connect().execute(
            "SELECT commit_sha FROM exp.reconcile_runs WHERE outcome = 'applied' ORDER BY id"
        )
        .rows.map { $0[0] ?? "" }
    }

    @Test func aRemoteRepositoryIsFetchedOnEveryPass() throws {
        let origin = try exampleRepository()
        defer { try? FileManager.default.removeItem(atPath: mirrors) }
        try TestDatabase.with { (database: TestDatabase) throws in
            let first = expctl(arguments: pass(origin, database))
            #expect(first.status == 0, "\(first.output)\(first.errors)")
            let head = try origin.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(first.output.contains("reconcile: \(head.prefix(7)) (main): applied"), "\(first.output)")

            let file = ExampleTree.experimentFile
            try origin.write(
                file,
                try origin.read(file).replacingOccurrences(
                    of: "Leftover-aware planner against control", with: "Renamed"))
            let second = try origin.commitAll("rename")
            let next = expctl(arguments: pass(origin, database))
            #expect(
                next.output.contains("reconcile: \(second.prefix(7)) (main): applied 0 to add, 1 to change"),
                "\(next.output)")
            #expect(try appliedRuns(database) == [head, second])
            let folders = try FileManager.default.contentsOfDirectory(atPath: mirrors)
            #expect(folders.count == 1 && folders[0].hasSuffix(".git"), "\(folders)")
        }
    }

    @Test func aForcePushedBranchStallsTheLoopUntilAllowedOrBuiltOn() throws {
        let origin = try exampleRepository()
        defer { try? FileManager.default.removeItem(atPath: mirrors) }
        let base = try origin.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        let file = ExampleTree.experimentFile
        let text = try origin.read(file)
        try origin.write(file, text.replacingOccurrences(of: "Leftover-aware planner against control", with: "First"))
        let applied = try origin.commitAll("first description")
        try TestDatabase.with { (database: TestDatabase) throws in
            #expect(expctl(arguments: pass(origin, database)).status == 0)
            // Rewrite: the branch goes back to `base` and gets another commit.
            try origin.git("reset", "-q", "--hard", base)
            try origin.write(
                file, text.replacingOccurrences(of: "Leftover-aware planner against control", with: "Rewritten"))
            let rewritten = try origin.commitAll("rewritten description")
            for _ in 0..<2 {
                let stalled = expctl(arguments: pass(origin, database))
                #expect(stalled.status == 1)
                #expect(
                    stalled.output.contains(
                        "reconcile: \(rewritten.prefix(7)) (main): stalled, the branch's history was rewritten"))
                #expect(stalled.output.contains("last applied commit \(applied.prefix(7))"), "\(stalled.output)")
            }
            let description = try database.connect().execute("SELECT description FROM exp.experiments").rows
            #expect(description == [["First"]])
            #expect(try appliedRuns(database) == [applied])

            let allowed = expctl(arguments: pass(origin, database, ["--allow-history-rewrite"]))
            #expect(allowed.output.contains("reconcile: \(rewritten.prefix(7)) (main): applied"), "\(allowed.output)")
            // Once applied, the rewritten branch is the history later commits must build on.
            try origin.write("README.md", "on top\n")
            let onTop = try origin.commitAll("on top of the rewrite")
            let later = expctl(arguments: pass(origin, database))
            #expect(later.status == 0)
            #expect(
                later.output.contains("reconcile: \(onTop.prefix(7)) (main): nothing ready to apply"), "\(later.output)"
            )
        }
    }

    @Test func withVerificationAnUnsignedCommitIsRefusedAndAnSSHSignedOneApplied() throws {
        let origin = try exampleRepository()
        defer { try? FileManager.default.removeItem(atPath: mirrors) }
        let keys = try SigningKeys(in: origin.directory.appendingPathComponent(".keys").path)
        let signers = keys.allowedSigners
        let verify = ["--verify-signatures", "--allowed-signers", signers]
        try TestDatabase.with { (database: TestDatabase) throws in
            let unsigned = try origin.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            let refused = expctl(arguments: pass(origin, database, verify))
            #expect(refused.status == 1)
            #expect(
                refused.output.contains(
                    "reconcile: \(unsigned.prefix(7)) (main): stalled, signature refused: the commit is not signed"),
                "\(refused.output)")
            #expect(try appliedRuns(database).isEmpty)

            try origin.git(
                "-c", "gpg.format=ssh", "-c", "user.signingkey=\(keys.stranger)", "commit", "-q", "-S",
                "--allow-empty", "-m", "signed by a stranger")
            let stranger = expctl(arguments: pass(origin, database, verify))
            #expect(stranger.status == 1)
            #expect(
                stranger.output.contains("signature refused: signed by a key that is not in \(signers)"),
                "\(stranger.output)")

            try origin.git(
                "-c", "gpg.format=ssh", "-c", "user.signingkey=\(keys.allowed)", "commit", "-q", "-S",
                "--allow-empty", "-m", "signed")
            let signed = try origin.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            let accepted = expctl(arguments: pass(origin, database, verify))
            #expect(accepted.status == 0, "\(accepted.output)\(accepted.errors)")
            #expect(accepted.output.contains("reconcile: \(signed.prefix(7)) (main): applied"), "\(accepted.output)")
        }
    }

    @Test func signatureOptionsNeedEachOther() {
        #expect(expctl(arguments: ["reconcile", "--verify-signatures"]).status == 64)
        #expect(expctl(arguments: ["reconcile", "--allowed-signers", "/dev/null"]).status == 64)
        let missing = expctl(arguments: ["reconcile", "--verify-signatures", "--allowed-signers", "/nonexistent/signers"])
        #expect(missing.status == 64)
        #expect(missing.errors.contains("--allowed-signers /nonexistent/signers: the file does not exist or cannot be read"))
    }
}
