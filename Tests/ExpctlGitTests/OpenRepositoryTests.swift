import ExpctlGit
import Foundation
import Testing

@Suite struct OpenRepositoryTests {
    @Test func opensAWorkTreeFromItsRootASubdirectoryOrItsGitDirectory() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/prod/a.yaml", "a: 1\n")
            let commit = try fixture.commitAll("first")
            for path in [fixture.path, fixture.path + "/configs/prod", fixture.path + "/.git"] {
                let repository = try GitRepository(path: path)
                #expect(repository.location == fixture.path)
                #expect(!repository.isBare)
                #expect(try repository.resolveCommit(nil).id.hex == commit)
            }
        }
    }

    @Test func opensABareClone() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/a.yaml", "a: 1\n")
            let commit = try fixture.commitAll("first")
            let barePath = fixture.path + "-bare.git"
            try runGit(["clone", "-q", "--bare", fixture.path, barePath])
            defer { try? FileManager.default.removeItem(atPath: barePath) }

            let repository = try GitRepository(path: barePath)
            #expect(repository.isBare)
            #expect(repository.location == barePath)
            let head = try repository.resolveCommit(nil)
            #expect(head.id.hex == commit)
            #expect(head.refName == "refs/heads/main")
            let files = try repository.files(in: head, under: "configs") { _ in true }
            #expect(files.map(\.path) == ["configs/a.yaml"])
            let text = try repository.withBlobContents(files[0].blobID) { String(decoding: $0, as: UTF8.self) }
            #expect(text == "a: 1\n")
        }
    }

    @Test func aDirectoryOutsideAnyRepositoryIsAClearError() throws {
        try TestRepository.withPlainDirectory { directory in
            let error = try #require(throws: GitError.self) { try GitRepository(path: directory) }
            #expect(error.reason == .repositoryNotFound)
            #expect(error.description == "no git repository at '\(directory)'")
            #expect(error.function == "git_repository_open_ext")
            #expect(!error.message.isEmpty)
        }
    }

    @Test func aMissingPathIsAClearError() throws {
        try TestRepository.withPlainDirectory { directory in
            let missing = directory + "/does/not/exist"
            let error = try #require(throws: GitError.self) { try GitRepository(path: missing) }
            #expect(error.reason == .repositoryNotFound)
            #expect(error.description == "no git repository at '\(missing)'")
        }
    }

    @Test func aRepositoryWithNoCommitsOpensButHasNoHead() throws {
        try TestRepository.with { fixture in
            let repository = try GitRepository(path: fixture.path)
            let head = try #require(throws: GitError.self) { try repository.resolveCommit(nil) }
            #expect(head.reason == .referenceNotFound)
            #expect(head.description.hasPrefix("no commits yet in \(fixture.path)"))
            let main = try #require(throws: GitError.self) { try repository.resolveCommit("main") }
            #expect(main.reason == .referenceNotFound)
            #expect(main.description == "unknown ref 'main' in \(fixture.path)")
        }
    }
}
