import ExpctlGit
import Foundation
import Testing

@Suite struct ChangedPathsTests {
    /// Enough lines that a rename or copy is recognised by similarity.
    private func document(_ name: String) -> String {
        (1...20).map { "\(name)_field_\($0): value \($0)\n" }.joined()
    }

    /// Two commits with every kind of change under configs/, and one change outside it.
    private func withTwoCommits<R>(
        _ body: (GitRepository, _ old: ResolvedCommit, _ new: ResolvedCommit) throws -> R
    ) throws -> R {
        try TestRepository.with { fixture in
            for name in ["keep", "change", "remove", "old-name"] {
                try fixture.write("configs/\(name).yaml", document(name))
            }
            try fixture.write("other/x.yaml", document("x"))
            try fixture.write("other/moving.yaml", document("moving"))
            try fixture.commitAll("before")
            try fixture.write("configs/change.yaml", document("change") + "extra: true\n")
            try fixture.git("rm", "-q", "configs/remove.yaml")
            try fixture.git("mv", "configs/old-name.yaml", "configs/new-name.yaml")
            try fixture.write("configs/added.yaml", "added: true\n")
            try fixture.git("mv", "other/moving.yaml", "configs/moved-in.yaml")
            try fixture.write("other/x.yaml", "x: changed\n")
            try fixture.commitAll("after")
            let repository = try GitRepository(path: fixture.path)
            return try body(repository, try repository.resolveCommit("HEAD~1"), try repository.resolveCommit("HEAD"))
        }
    }

    @Test func reportsAddedModifiedDeletedAndRenamedFiles() throws {
        try withTwoCommits { repository, old, new in
            let changes = try repository.changedPaths(from: old.id, to: new.id, under: nil)
            #expect(Set(changes) == [
                PathChange(kind: .added, oldPath: nil, newPath: "configs/added.yaml"),
                PathChange(kind: .modified, oldPath: "configs/change.yaml", newPath: "configs/change.yaml"),
                PathChange(kind: .deleted, oldPath: "configs/remove.yaml", newPath: nil),
                PathChange(kind: .renamed, oldPath: "configs/old-name.yaml", newPath: "configs/new-name.yaml"),
                PathChange(kind: .renamed, oldPath: "other/moving.yaml", newPath: "configs/moved-in.yaml"),
                PathChange(kind: .modified, oldPath: "other/x.yaml", newPath: "other/x.yaml"),
            ])
            #expect(changes.count == 6)
        }
    }

    @Test func keepsOnlyChangesUnderADirectory() throws {
        try withTwoCommits { repository, old, new in
            let other = try repository.changedPaths(from: old.id, to: new.id, under: "other/")
            #expect(Set(other) == [
                PathChange(kind: .renamed, oldPath: "other/moving.yaml", newPath: "configs/moved-in.yaml"),
                PathChange(kind: .modified, oldPath: "other/x.yaml", newPath: "other/x.yaml"),
            ])
            let configs = try repository.changedPaths(from: old.id, to: new.id, under: "configs")
            #expect(configs.count == 5)
            #expect(try repository.changedPaths(from: old.id, to: new.id, under: "conf").isEmpty)
            #expect(try repository.changedPaths(from: old.id, to: new.id, under: ".").count == 6)
        }
    }

    @Test func acceptsTreeIDsAndIsEmptyForTheSameTree() throws {
        try withTwoCommits { repository, old, new in
            let byTree = try repository.changedPaths(from: old.treeID, to: new.treeID, under: nil)
            let byCommit = try repository.changedPaths(from: old.id, to: new.id, under: nil)
            let none = try repository.changedPaths(from: new.id, to: new.treeID, under: nil)
            #expect(byTree == byCommit)
            #expect(byTree.count == 6)
            #expect(none.isEmpty)
        }
    }

    @Test func reportsCopiesOfModifiedFilesAndTypeChanges() throws {
        try TestRepository.with { fixture in
            try fixture.write("source.yaml", document("source"))
            try fixture.write("link.yaml", "was a file\n")
            let old = try fixture.commitAll("before")
            try fixture.write("copy.yaml", document("source"))
            try fixture.write("source.yaml", document("source") + "more: 1\n")
            try FileManager.default.removeItem(atPath: fixture.path + "/link.yaml")
            try FileManager.default.createSymbolicLink(atPath: fixture.path + "/link.yaml", withDestinationPath: "source.yaml")
            let new = try fixture.commitAll("after")
            let repository = try GitRepository(path: fixture.path)

            let changes = try repository.changedPaths(
                from: try #require(ObjectID(hex: old)), to: try #require(ObjectID(hex: new)), under: nil)
            #expect(Set(changes) == [
                PathChange(kind: .copied, oldPath: "source.yaml", newPath: "copy.yaml"),
                PathChange(kind: .typeChanged, oldPath: "link.yaml", newPath: "link.yaml"),
                PathChange(kind: .modified, oldPath: "source.yaml", newPath: "source.yaml"),
            ])
        }
    }

    @Test func anIDThatIsNeitherACommitNorATreeIsAClearError() throws {
        try withTwoCommits { repository, old, new in
            let blob = try repository.files(in: new, under: "configs") { _ in true }[0].blobID
            let error = try #require(throws: GitError.self) {
                try repository.changedPaths(from: old.id, to: blob, under: nil)
            }
            #expect(error.reason == .other)
            #expect(error.summary == "object \(blob) in \(repository.location) is neither a commit nor a tree")
            let missing = try #require(ObjectID(hex: String(repeating: "0", count: 40)))
            let notFound = try #require(throws: GitError.self) {
                try repository.changedPaths(from: missing, to: new.id, under: nil)
            }
            #expect(notFound.reason == .objectNotFound)
        }
    }
}
