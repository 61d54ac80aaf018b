import BenchmarkSupport
import ExpctlDesiredState
import ExpctlGit
import Foundation

/// Measures `validate` on a generated repository against the floor of reading the same blobs
/// with `git cat-file --batch`, and the re-validation of a later commit in the same process.
struct ValidateBenchmark {
    var generator: RepositoryGenerator
    var repetitions: Int

    func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-bench-\(getpid())-\(generator.layout)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let commits = try generator.generate(at: directory)
        let base = commits[0]
        print("repository: \(generator.fileCount) experiment files, layout \(generator.layout.rawValue), \(commits.count - 1) one-file changes")

        // Cold: a new repository handle and loader each time, so no cache of ours helps.
        var cold: [Duration] = []
        var checked = 0
        for _ in 0..<repetitions {
            let (elapsed, files) = try measure {
                let source = GitDesiredStateSource(repository: try GitRepository(path: directory.path))
                let (_, result) = try source.load(ref: base, under: "")
                guard result.isValid else { throw BenchmarkError("generated tree is invalid: \(result.diagnostics.first!)") }
                return result.fileCount
            }
            cold.append(elapsed)
            checked = files
        }

        // The floor: the same blobs through one `git cat-file --batch` process.
        let blobs = try Shell.run("git", ["-C", directory.path, "ls-tree", "-r", "--object-only", base])
        var floor: [Duration] = []
        for _ in 0..<repetitions {
            floor.append(try measure {
                try Shell.run("git", ["-C", directory.path, "cat-file", "--batch"], input: Data(blobs.utf8), discardOutput: true)
            }.elapsed)
        }

        // Warm: one source, then each later commit changes one file.
        let source = GitDesiredStateSource(repository: try GitRepository(path: directory.path))
        _ = try source.load(ref: base, under: "")
        var incremental: [Duration] = []
        for commit in commits.dropFirst() {
            let (elapsed, decoded) = try measure {
                let (_, result) = try source.load(ref: commit, under: "")
                guard result.isValid else { throw BenchmarkError("changed tree is invalid") }
                return result.filesDecoded
            }
            guard decoded == 1 else { throw BenchmarkError("expected one re-decoded file, got \(decoded)") }
            incremental.append(elapsed)
        }

        // YAML parsing alone, for where the time goes.
        let yamlOnly = try measure {
            let repository = try GitRepository(path: directory.path)
            let commit = try repository.resolveCommit(base)
            let files = try repository.files(in: commit, under: "", include: DesiredStateLoader.isDesiredStateFile)
            var contents: [[UInt8]] = []
            for file in files { contents.append(try repository.withBlobContents(file.blobID) { Array($0) }) }
            return try measure {
                let fragments = zip(files, contents).map { file, bytes in
                    bytes.withUnsafeBufferPointer { FileDecoder.decode(path: file.path, bytes: $0) }
                }
                _ = CrossFileValidator.merge(fragments)
            }.elapsed
        }.result

        let coldMedian = median(cold)
        let floorMedian = median(floor)
        print("  files validated:                 \(checked)")
        print("  validate, cold (median of \(repetitions)):     \(format(coldMedian))")
        print("  git cat-file --batch (floor):    \(format(floorMedian))")
        print("  ratio cold / floor:              \(String(format: "%.2f", seconds(coldMedian) / seconds(floorMedian)))")
        print("  decode + validate only (no git): \(format(yamlOnly))")
        print("  re-validate after a one-file change: median \(format(median(incremental))), max \(format(incremental.max()!)) over \(incremental.count) commits")
    }

    private func measure<T>(_ body: () throws -> T) throws -> (elapsed: Duration, result: T) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        return (clock.now - start, result)
    }

    private func median(_ values: [Duration]) -> Duration { values.sorted()[values.count / 2] }
    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    private func format(_ duration: Duration) -> String { String(format: "%8.1f ms", seconds(duration) * 1000) }
}
