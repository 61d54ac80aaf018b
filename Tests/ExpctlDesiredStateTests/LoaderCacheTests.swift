import ExpctlDesiredState
import ExpctlModel
import Testing

/// An in-memory source that counts reads.
final class MemorySource: SourceReader {
    var contents: [ContentID: [UInt8]] = [:]
    var reads = 0

    func files(_ tree: [String: String]) -> [SourceFile] {
        tree.keys.sorted().map { path in
            let bytes = Array(tree[path]!.utf8)
            let id = ContentID(UInt64(bitPattern: Int64(bytes.hashValue)), UInt64(bytes.count), 0)
            contents[id] = bytes
            return SourceFile(path: path, contentID: id, size: bytes.count)
        }
    }

    func withContents<Result>(of file: SourceFile, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result {
        reads += 1
        return try contents[file.contentID]!.withUnsafeBufferPointer(body)
    }
}

@Suite("The loader's content cache")
struct LoaderCacheTests {
    @Test func unchangedFilesAreNotReadAgain() throws {
        let source = MemorySource()
        let loader = DesiredStateLoader()
        let first = try loader.load(source.files(validTree), from: source)
        #expect(first.isValid)
        #expect(first.filesDecoded == 4)
        #expect(source.reads == 4)

        var changed = validTree
        changed["promotions.yaml"] = "promotions:\n  - { model: planner_model, version: 1, stage: archived }\n"
        let second = try loader.load(source.files(changed), from: source)
        #expect(second.filesDecoded == 1)
        #expect(source.reads == 5)
        #expect(second.state.promotions.first?.stage == .archived)
        // The earlier version stays until the cache could double, so going back is free.
        #expect(try loader.load(source.files(validTree), from: source).filesDecoded == 0)
    }

    @Test func cacheStaysBoundedAsFilesChange() throws {
        let source = MemorySource()
        let loader = DesiredStateLoader()
        var tree = validTree
        for round in 0..<20 {
            tree["promotions.yaml"] = "promotions:\n  - { model: planner_model, version: \(round + 1), stage: archived }\n"
            #expect(try loader.load(source.files(tree), from: source).isValid)
            #expect(loader.cachedFileCount <= 2 * tree.count)
        }
    }

    @Test func cachedDiagnosticsAreReportedAgainAndCrossFileChecksRerun() throws {
        let source = MemorySource()
        let loader = DesiredStateLoader()
        var tree = validTree
        tree["bad.yaml"] = "experiments: [1]\n"
        let first = try loader.load(source.files(tree), from: source)
        #expect(first.diagnostics.count == 1)
        // Removing policy version 2 breaks a reference from a file that did not change.
        tree["policies.yaml"] = validTree["policies.yaml"]!.replacingFirst("      - version: 2\n        mlflow_model_name: planner_model\n        training: planner-2025-01-10", with: "")
        let second = try loader.load(source.files(tree), from: source)
        #expect(second.filesDecoded == 1)
        #expect(second.diagnostics.map(\.location.path) == ["bad.yaml", "experiments/planner.yaml"])
    }

    @Test func oversizeFilesAreNotRead() throws {
        let source = MemorySource()
        let loader = DesiredStateLoader()
        let result = try loader.load([SourceFile(path: "big.yaml", contentID: ContentID(1, 2, 3), size: FileDecoder.maxFileSize + 1)], from: source)
        #expect(source.reads == 0)
        #expect(result.diagnostics.first?.message.contains("over the limit") == true)
    }
}
