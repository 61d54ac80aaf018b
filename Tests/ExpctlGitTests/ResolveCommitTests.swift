import ExpctlGit
import Testing

@Suite struct ResolveCommitTests {
    @Test func resolvesBranchesHeadAndTheDefaultRef() throws {
        try TestRepository.with { fixture in
            try fixture.write("a.yaml", "v: 1\n")
            let first = try fixture.commitAll("first\n\nwith a body")
            try fixture.write("a.yaml", "v: 2\n")
            let second = try fixture.commitAll("second")
            try fixture.git("checkout", "-q", "-b", "feature")
            try fixture.write("a.yaml", "v: 3\n")
            let onFeature = try fixture.commitAll("on feature")
            try fixture.git("checkout", "-q", "main")
            let repository = try GitRepository(path: fixture.path)

            let main = try repository.resolveCommit("main")
            #expect(main.id.hex == second)
            #expect(main.treeID.hex == (try fixture.git("rev-parse", "main^{tree}")))
            #expect(main.summary == "second")
            #expect(main.refName == "refs/heads/main")
            #expect(try repository.resolveCommit("refs/heads/main") == main)
            #expect(try repository.resolveCommit(nil) == main)
            #expect(try repository.resolveCommit("HEAD") == main)

            let feature = try repository.resolveCommit("feature")
            #expect(feature.id.hex == onFeature)
            #expect(feature.refName == "refs/heads/feature")

            let parent = try repository.resolveCommit("main~1")
            #expect(parent.id.hex == first)
            #expect(parent.summary == "first")
            #expect(parent.refName == nil)
        }
    }

    @Test func aDetachedHeadIsNamedHead() throws {
        try TestRepository.with { fixture in
            let first = try fixture.commitAll("first")
            try fixture.commitAll("second")
            try fixture.git("checkout", "-q", "--detach", first)
            let head = try GitRepository(path: fixture.path).resolveCommit(nil)
            #expect(head.id.hex == first)
            #expect(head.refName == "HEAD")
        }
    }

    @Test func resolvesLightweightAndAnnotatedTagsToTheirCommits() throws {
        try TestRepository.with { fixture in
            let first = try fixture.commitAll("first")
            let second = try fixture.commitAll("second")
            try fixture.git("tag", "light", first)
            try fixture.git("tag", "-a", "v1", "-m", "release one", second)
            let repository = try GitRepository(path: fixture.path)

            let light = try repository.resolveCommit("light")
            #expect(light.id.hex == first)
            #expect(light.refName == "refs/tags/light")
            let annotated = try repository.resolveCommit("v1")
            #expect(annotated.id.hex == second)
            #expect(annotated.summary == "second")
            #expect(annotated.refName == "refs/tags/v1")
        }
    }

    @Test func resolvesFullAndAbbreviatedSHAs() throws {
        try TestRepository.with { fixture in
            let first = try fixture.commitAll("first")
            try fixture.commitAll("second")
            let repository = try GitRepository(path: fixture.path)

            let full = try repository.resolveCommit(first)
            #expect(full.id.hex == first)
            #expect(full.summary == "first")
            #expect(full.refName == nil)
            #expect(try repository.resolveCommit(String(first.prefix(7))) == full)
        }
    }

    @Test(arguments: ["nope", "refs/heads/nope", "main~5", String(repeating: "0", count: 39) + "1"])
    func anUnknownRefIsAClearError(_ ref: String) throws {
        try TestRepository.with { fixture in
            try fixture.commitAll("only")
            let repository = try GitRepository(path: fixture.path)
            let error = try #require(throws: GitError.self) { try repository.resolveCommit(ref) }
            #expect(error.reason == .referenceNotFound)
            #expect(error.description == "unknown ref '\(ref)' in \(fixture.path)")
            #expect(error.function == "git_revparse_ext")
            #expect(error.code < 0 && error.errorClass != 0 && !error.message.isEmpty)
        }
    }

    @Test func anAbbreviatedSHAThatSeveralObjectsShareIsAmbiguous() throws {
        try TestRepository.with { fixture in
            // A blob's ID depends only on its contents: these two were picked because their IDs
            // share their first 4 hex digits, the shortest prefix libgit2 accepts.
            try fixture.write("one.txt", "195\n")
            try fixture.write("two.txt", "389\n")
            try fixture.commitAll("two blobs")
            let prefix = "6bb2"
            #expect(try fixture.git("rev-parse", "HEAD:one.txt").hasPrefix(prefix))
            #expect(try fixture.git("rev-parse", "HEAD:two.txt").hasPrefix(prefix))
            let repository = try GitRepository(path: fixture.path)

            let error = try #require(throws: GitError.self) { try repository.resolveCommit(prefix) }
            #expect(error.reason == .ambiguousReference)
            #expect(error.code == -5)
            #expect(error.description.hasPrefix("ambiguous ref '\(prefix)' in \(fixture.path)"))
        }
    }

    @Test func aRefToSomethingOtherThanACommitIsAClearError() throws {
        try TestRepository.with { fixture in
            try fixture.write("a.yaml", "a: 1\n")
            try fixture.commitAll("first")
            let tree = try fixture.git("rev-parse", "HEAD^{tree}")
            let repository = try GitRepository(path: fixture.path)
            let error = try #require(throws: GitError.self) { try repository.resolveCommit(tree) }
            #expect(error.reason == .other)
            #expect(error.summary == "ref '\(tree)' in \(fixture.path) does not point to a commit")
            #expect(error.function == "git_object_peel")
            #expect(error.description == "\(error.summary): \(error.message)")
        }
    }
}
