// Checks the tree cache from inside the module: that unchanged subtrees are not read again.
@testable import ExpctlGit
import Testing

@Suite struct TreeCacheTests {
    @Test func aNewCommitReadsOnlyTheTreesThatChanged() throws {
        try TestRepository.with { fixture in
            for directory in ["a/x", "a/y", "b", "c/z"] {
                for index in 0..<3 { try fixture.write("configs/\(directory)/\(index).yaml", "i: \(directory)/\(index)\n") }
            }
            let first = try fixture.commitAll("first")
            try fixture.write("configs/a/x/1.yaml", "i: changed\n")
            let second = try fixture.commitAll("second")

            let repository = try GitRepository(path: fixture.path)
            let listFirst = try repository.files(in: try repository.resolveCommit(first), under: "configs") { _ in true }
            // root, configs, a, a/x, a/y, b, c, c/z
            #expect(repository.treeCache.treesRead == 8)

            let listSecond = try repository.files(in: try repository.resolveCommit(second), under: "configs") { _ in true }
            // Only the new root, configs, a and a/x.
            #expect(repository.treeCache.treesRead == 12)

            #expect(try repository.files(in: try repository.resolveCommit(first), under: "configs") { _ in true } == listFirst)
            #expect(try repository.files(in: try repository.resolveCommit(second), under: "configs/c") { _ in true }.count == 3)
            #expect(repository.treeCache.treesRead == 12)

            let fresh = try GitRepository(path: fixture.path)
            #expect(try fresh.files(in: try fresh.resolveCommit(second), under: "configs") { _ in true } == listSecond)
            #expect(listSecond.count == 12)
            #expect(listSecond.filter { $0.path == "configs/a/x/1.yaml" }.map(\.size) == [11])
        }
    }

    @Test func theCacheKeepsWhatWasUsedInTheLastGeneration() {
        var cache = GenerationalCache<String, Int>(capacity: 2)
        cache.insert(1, for: "one", cost: 1)
        cache.insert(2, for: "two", cost: 1)
        cache.insert(3, for: "three", cost: 1)  // full: one and two become the previous generation
        #expect(cache.value(for: "one") == 1)  // moves back into the current generation
        cache.insert(4, for: "four", cost: 1)  // full again: "two" was not used and is dropped
        #expect(cache.value(for: "two") == nil)
        #expect(cache.value(for: "one") == 1)
        #expect(cache.value(for: "three") == 3)
        #expect(cache.value(for: "four") == 4)
    }
}
