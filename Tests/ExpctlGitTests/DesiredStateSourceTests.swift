import ExpctlDesiredState
import ExpctlGit
import Foundation
import Testing

private let experiment = """
    experiments:
      - name: exp-a
        unit_type: user
        variants:
          - { name: control, allocation: 1, policy_version: p@1 }
    """
private let policies = """
    policies:
      - name: p
        versions:
          - { version: 1, mlflow_model_name: m, mlflow_model_version: 1 }
    """

/// Desired state read end to end: libgit2 listing and blobs, decoding, cross-file checks.
@Suite("Desired state from git")
struct DesiredStateSourceTests {
    @Test func readsOnlyYAMLUnderThePathWithRepositoryRelativePaths() throws {
        try TestRepository.with { fixture in
            try fixture.write("desired/experiments/a.yaml", experiment)
            try fixture.write("desired/policies.yml", policies)
            try fixture.write("desired/notes.md", "experiments: [not yaml we read]")
            try fixture.write("other/broken.yaml", "experiments: [")
            let sha = try fixture.commitAll("first")
            let source = GitDesiredStateSource(repository: try GitRepository(path: fixture.path))
            let (commit, result) = try source.load(ref: nil, under: "desired")
            #expect(commit.id.hex == sha)
            #expect(commit.refName == "refs/heads/main")
            #expect(result.isValid, "\(result.diagnostics)")
            #expect(result.fileCount == 2)
            #expect(result.state.experiments.first?.origin.path == "desired/experiments/a.yaml")
            let (_, root) = try source.load(ref: nil, under: "")
            #expect(root.diagnostics.map(\.location.path) == ["other/broken.yaml"])
        }
    }

    @Test func laterCommitsReDecodeOnlyChangedBlobs() throws {
        try TestRepository.with { fixture in
            for index in 0..<20 {
                try fixture.write("experiments/e\(index).yaml", experiment.replacingOccurrences(of: "exp-a", with: "exp-\(index)"))
            }
            try fixture.write("policies.yaml", policies)
            let first = try fixture.commitAll("twenty experiments")
            try fixture.write("experiments/e7.yaml", experiment.replacingOccurrences(of: "exp-a", with: "exp-seven"))
            try fixture.git("rm", "-q", "experiments/e3.yaml")
            let second = try fixture.commitAll("change one, remove one")

            let source = GitDesiredStateSource(repository: try GitRepository(path: fixture.path))
            let (_, cold) = try source.load(ref: first, under: "")
            #expect(cold.filesDecoded == 21)
            let (_, warm) = try source.load(ref: second, under: "")
            #expect(warm.filesDecoded == 1)
            #expect(warm.fileCount == 20)
            #expect(warm.state.experiments.contains { $0.name == "exp-seven" })
            #expect(!warm.state.experiments.contains { $0.name == "exp-3" })
            let (_, back) = try source.load(ref: first, under: "")
            #expect(back.filesDecoded == 0, "the earlier versions are still cached")

            let changes = try source.repository.changedPaths(
                from: try source.repository.resolveCommit(first).id, to: try source.repository.resolveCommit(second).id, under: nil)
            #expect(changes.map(\.kind) == [.deleted, .modified])
        }
    }

    @Test func bareRepositoryTagsAndBranchesGiveTheirOwnState() throws {
        try TestRepository.with { fixture in
            try fixture.write("experiments.yaml", experiment)
            try fixture.write("policies.yaml", policies)
            try fixture.commitAll("valid")
            try fixture.git("tag", "v1")
            try fixture.git("checkout", "-q", "-b", "feature")
            try fixture.write("experiments.yaml", experiment.replacingOccurrences(of: "p@1", with: "p@2"))
            try fixture.commitAll("points at a missing version")
            let barePath = fixture.path + "-bare.git"
            try runGit(["clone", "-q", "--bare", fixture.path, barePath])
            defer { try? FileManager.default.removeItem(atPath: barePath) }

            let source = GitDesiredStateSource(repository: try GitRepository(path: barePath))
            #expect(try source.load(ref: "v1", under: "").result.isValid)
            let feature = try source.load(ref: "feature", under: "").result
            #expect(feature.diagnostics.map(\.message) == ["policy_version 'p@2' names no declared version of policy 'p'"])
            #expect(feature.diagnostics.first?.location.description == "experiments.yaml:5:57")
        }
    }
}
