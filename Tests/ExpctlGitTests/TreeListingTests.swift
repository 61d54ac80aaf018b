import ExpctlGit
import Testing

@Suite struct TreeListingTests {
    /// A commit with nested directories, files that are not YAML, and names that sort
    /// differently as whole paths than as tree entries.
    private func withSample<R>(_ body: (TestRepository, GitRepository, ResolvedCommit) throws -> R) throws -> R {
        try TestRepository.with { fixture in
            for path in [
                "README.md", "configs/a.yaml", "configs/b.yml", "configs/notes.txt",
                "configs/prod/c.yaml", "configs/prod/deep/d.yaml", "configs/staging/e.yaml",
                "other/f.yaml", "x/a-b.yaml", "x/a.yaml", "x/a/b.yaml", "x/ab.yaml",
            ] {
                try fixture.write(path, "path: \(path)\n")
            }
            try fixture.commitAll("sample")
            let repository = try GitRepository(path: fixture.path)
            return try body(fixture, repository, try repository.resolveCommit(nil))
        }
    }

    @Test func listsEveryFileRecursivelyInPathOrderWithIDsAndSizes() throws {
        try withSample { fixture, repository, commit in
            let files = try repository.files(in: commit, under: "") { _ in true }
            #expect(files.map(\.path) == [
                "README.md", "configs/a.yaml", "configs/b.yml", "configs/notes.txt",
                "configs/prod/c.yaml", "configs/prod/deep/d.yaml", "configs/staging/e.yaml",
                "other/f.yaml", "x/a-b.yaml", "x/a.yaml", "x/a/b.yaml", "x/ab.yaml",
            ])
            #expect(files.map(\.path) == files.map(\.path).sorted())
            for file in files {
                #expect(file.blobID.hex == (try fixture.git("rev-parse", "HEAD:\(file.path)")))
                #expect(file.size == "path: \(file.path)\n".utf8.count)
            }
            #expect(try repository.files(in: commit, under: ".") { _ in true } == files)
        }
    }

    @Test(arguments: [
        ("configs/prod", ["configs/prod/c.yaml", "configs/prod/deep/d.yaml"]),
        ("./configs/prod/", ["configs/prod/c.yaml", "configs/prod/deep/d.yaml"]),
        ("configs//prod/deep", ["configs/prod/deep/d.yaml"]),
        ("x/a", ["x/a/b.yaml"]),
    ])
    func listsUnderNestedDirectories(_ directory: String, _ expected: [String]) throws {
        try withSample { _, repository, commit in
            let files = try repository.files(in: commit, under: directory) { _ in true }
            #expect(files.map(\.path) == expected)
        }
    }

    @Test func passesOnlyNamesTheFilterIncludes() throws {
        try withSample { _, repository, commit in
            var seen: [String] = []
            let files = try repository.files(in: commit, under: "configs") { name in
                seen.append(name)
                return name.hasSuffix(".yaml") || name.hasSuffix(".yml")
            }
            #expect(files.map(\.path) == [
                "configs/a.yaml", "configs/b.yml", "configs/prod/c.yaml",
                "configs/prod/deep/d.yaml", "configs/staging/e.yaml",
            ])
            // Called with file names only (a first listing also asks while reading sizes).
            #expect(Set(seen) == ["a.yaml", "b.yml", "notes.txt", "c.yaml", "d.yaml", "e.yaml"])
        }
    }

    @Test(arguments: ["nope", "configs/nope", "configs/prod/deep/deeper"])
    func aMissingDirectoryIsPathNotFound(_ directory: String) throws {
        try withSample { _, repository, commit in
            let error = try #require(throws: GitError.self) {
                try repository.files(in: commit, under: directory) { _ in true }
            }
            #expect(error.reason == .pathNotFound)
            #expect(error.description == "path '\(directory)' not found at commit \(commit.id.abbreviated)")
        }
    }

    @Test(arguments: [("README.md", "README.md"), ("configs/a.yaml/more", "configs/a.yaml")])
    func aFileIsNotADirectory(_ directory: String, _ file: String) throws {
        try withSample { _, repository, commit in
            let error = try #require(throws: GitError.self) {
                try repository.files(in: commit, under: directory) { _ in true }
            }
            #expect(error.reason == .notADirectory)
            #expect(error.description == "path '\(file)' is not a directory at commit \(commit.id.abbreviated)")
        }
    }

    @Test func skipsSymlinksAndSubmodulesButKeepsExecutables() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/a.yaml", "a: 1\n")
            try fixture.write("configs/run.sh", "#!/bin/sh\n")
            try fixture.git("update-index", "--add", "--chmod=+x", "configs/run.sh")
            try fixture.git("add", "-A")
            try fixture.git("commit", "-q", "-m", "first")
            try fixture.git("update-index", "--add", "--cacheinfo", "120000,\(try fixture.git("hash-object", "-w", "configs/a.yaml")),configs/link.yaml")
            let submoduleCommit = try fixture.git("rev-parse", "HEAD")
            try fixture.git("update-index", "--add", "--cacheinfo", "160000,\(submoduleCommit),configs/vendor")
            try fixture.git("commit", "-q", "-m", "symlink and submodule")
            #expect(try fixture.git("ls-tree", "HEAD:configs").contains("160000 commit"))

            let repository = try GitRepository(path: fixture.path)
            let commit = try repository.resolveCommit(nil)
            let files = try repository.files(in: commit, under: "configs") { _ in true }
            #expect(files.map(\.path) == ["configs/a.yaml", "configs/run.sh"])
            for directory in ["configs/link.yaml", "configs/vendor"] {
                let error = try #require(throws: GitError.self) {
                    try repository.files(in: commit, under: directory) { _ in true }
                }
                #expect(error.reason == .notADirectory)
            }
        }
    }

    @Test func readsTheCommitNotTheWorkTree() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/a.yaml", "committed: true\n")
            try fixture.write("configs/b.yaml", "b: 1\n")
            try fixture.commitAll("first")
            try fixture.write("configs/a.yaml", "committed: false\nedited: in the work tree\n")
            try fixture.write("configs/new.yaml", "untracked: true\n")
            try fixture.git("rm", "-q", "configs/b.yaml")

            let repository = try GitRepository(path: fixture.path)
            let files = try repository.files(in: try repository.resolveCommit(nil), under: "configs") { _ in true }
            #expect(files.map(\.path) == ["configs/a.yaml", "configs/b.yaml"])
            #expect(files[0].size == "committed: true\n".utf8.count)
            let text = try repository.withBlobContents(files[0].blobID) { String(decoding: $0, as: UTF8.self) }
            #expect(text == "committed: true\n")
        }
    }

    @Test func listsEachCommitAsItWas() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/a.yaml", "v: 1\n")
            let first = try fixture.commitAll("first")
            try fixture.write("configs/b.yaml", "v: 1\n")
            try fixture.write("configs/a.yaml", "v: 22\n")
            let second = try fixture.commitAll("second")
            let repository = try GitRepository(path: fixture.path)

            let before = try repository.files(in: try repository.resolveCommit(first), under: "configs") { _ in true }
            let after = try repository.files(in: try repository.resolveCommit(second), under: "configs") { _ in true }
            #expect(before.map(\.path) == ["configs/a.yaml"])
            #expect(after.map(\.path) == ["configs/a.yaml", "configs/b.yaml"])
            #expect(before[0].blobID != after[0].blobID)
            #expect(after[0].size == 6)
        }
    }
}
