import ExpctlCommands
import Foundation
import PostgresTestSupport
import Testing

@Suite("expctl validate")
struct ValidateCommandTests {
    @Test func theExampleTreeIsValid() throws {
        let repository = try exampleRepository()
        let (status, output, errors) = expctl("validate", "--repo", repository.path, "--path", "configs")
        #expect(status == 0)
        #expect(errors.isEmpty)
        #expect(output.hasPrefix("Success! The desired state at "))
        #expect(output.hasSuffix(" (main) is valid: 1 experiment, 2 variants, 1 policy, 2 policy versions, 1 training, 2 promotions in 5 files.\n"))
        #expect(output.split(separator: "\n").count == 1)
    }

    /// The demo's tree, configs/, must stay valid (its contents are the demo's to change).
    @Test func theShippedConfigsAreValid() throws {
        let fixture = try GitFixture()
        try fixture.copyFromSourceTree("configs", to: "configs")
        try fixture.commitAll("configs/")
        let result = expctl("validate", "--repo", fixture.path, "--path", "configs")
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func brokenChangeListsEveryProblemLikeACompiler() throws {
        let repository = try exampleRepository()
        try repository.git("checkout", "-q", "-b", "broken")
        let path = ExampleTree.experimentFile
        let text = try repository.read(path)
            .replacingOccurrences(of: "allocation: 0.1\n", with: "allocation: 0.2\n")
            .replacingOccurrences(of: "unit_type: user", with: "unit_typ: user")
            .replacingOccurrences(of: "planner_policy@2", with: "planner_policy@3")
        try repository.write(path, text)
        try repository.commitAll("Raise the candidate")

        let (status, output, errors) = expctl("validate", "--repo", repository.path, "--ref", "broken", "--path", "configs")
        #expect(status == 1)
        #expect(errors.isEmpty)
        try Golden.check(output, against: "validate-broken.txt")
    }

    @Test func jsonOutputIsAVersionedDocument() throws {
        let repository = try exampleRepository()
        let valid = expctl("validate", "--repo", repository.path, "--path", "configs", "--format", "json")
        #expect(valid.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(valid.output.utf8)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.0")
        #expect(document["valid"] as? Bool == true)
        #expect((document["commit"] as? String)?.count == 40)
        #expect(document["ref"] as? String == "refs/heads/main")
        #expect(document["files"] as? Int == 5)
        #expect((document["counts"] as? [String: Int])?["policy_versions"] == 2)
        #expect((document["diagnostics"] as? [Any])?.isEmpty == true)

        try repository.write("configs/extra.yaml", "experiments:\n  - name: Bad\n")
        try repository.commitAll("Bad")
        let invalid = expctl("validate", "--repo", repository.path, "--path", "configs", "--format", "json")
        #expect(invalid.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(invalid.output.utf8)) as? [String: Any])
        #expect(report["valid"] as? Bool == false)
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        #expect(report["error_count"] as? Int == diagnostics.count)
        let first = try #require(diagnostics.first)
        #expect(first["path"] as? String == "configs/extra.yaml")
        #expect(first["line"] as? Int == 2)
        #expect(first["severity"] as? String == "error")
        #expect(first.keys.sorted() == ["column", "field", "hint", "line", "message", "path", "resource", "severity"])
    }

    @Test func repositoryProblemsAreOneLineErrors() throws {
        let repository = try exampleRepository()
        let missing = expctl("validate", "--repo", "/nonexistent/expctl-repo")
        #expect(missing.status == 1)
        #expect(missing.output.isEmpty)
        #expect(missing.errors.hasPrefix("expctl: error: "))
        #expect(missing.errors.contains("/nonexistent/expctl-repo"))
        #expect(missing.errors.split(separator: "\n").count == 1)

        let unknownRef = expctl("validate", "--repo", repository.path, "--ref", "no-such-branch")
        #expect(unknownRef.status == 1)
        #expect(unknownRef.errors.contains("no-such-branch"))
        #expect(unknownRef.errors.split(separator: "\n").count == 1)

        let missingPath = expctl("validate", "--repo", repository.path, "--path", "nowhere")
        #expect(missingPath.status == 1)
        #expect(missingPath.errors.contains("nowhere"))
        #expect(missingPath.errors.split(separator: "\n").count == 1)
        let json = expctl("validate", "--repo", repository.path, "--ref", "no-such-branch", "--format", "json")
        #expect(json.status == 1)
        #expect(json.errors.split(separator: "\n").count == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(document["valid"] as? Bool == false)
        #expect((document["error"] as? String)?.contains("no-such-branch") == true)
    }

    @Test func readsTheCommitNotTheWorkingTree() throws {
        let repository = try exampleRepository()
        try repository.write("configs/gates.yaml", "gates: [broken\n")
        let result = expctl("validate", "--repo", repository.path, "--path", "./configs/")
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func earlierRefsAndTagsAreReadable() throws {
        let repository = try exampleRepository()
        try repository.git("tag", "-a", "v1", "-m", "first")
        try repository.write("configs/extra.yaml", "experiments: 3\n")
        try repository.commitAll("Break it")
        #expect(expctl("validate", "--repo", repository.path, "--path", "configs").status == 1)
        #expect(expctl("validate", "--repo", repository.path, "--path", "configs", "--ref", "v1").status == 0)
        #expect(expctl("validate", "--repo", repository.path, "--path", "configs", "--ref", "HEAD~1").status == 0)
    }
}

@Suite("expctl version and usage")
struct VersionCommandTests {
    @Test func versionFlagAndCommand() throws {
        let flag = expctl("--version")
        #expect(flag.status == 0)
        #expect(flag.output == "0.1.0\n")
        let text = expctl("version")
        #expect(text.output.hasPrefix("expctl 0.1.0\n  libgit2 1."))
        #expect(text.output.contains("  libpq "))
        #expect(text.output.contains("  libcurl "))
        let json = expctl("version", "--format", "json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: String])
        #expect(document["expctl_version"] == "0.1.0")
        #expect(document.keys.sorted() == ["expctl_version", "format_version", "libcurl", "libgit2", "libpq"])
    }

    @Test func usageErrorsExit64() {
        let result = expctl("validate", "--format", "yaml")
        #expect(result.status == 64)
        #expect(result.errors.contains("yaml"))
        #expect(expctl("frobnicate").status == 64)
    }
}

/// Golden files beside this suite; `EXPCTL_RECORD_GOLDEN=1` rewrites them.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["EXPCTL_RECORD_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "output differs from Golden/\(name); rerun with EXPCTL_RECORD_GOLDEN=1 to record", sourceLocation: sourceLocation)
    }
}
