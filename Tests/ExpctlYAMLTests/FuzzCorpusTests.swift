import ExpctlYAML
import Foundation
import Testing

/// The inputs in FuzzCorpus/: what scripts/fuzz-yaml found, and the cases of the YAML test
/// suite this reader once misread or wrongly accepted. ExpctlDesiredStateTests replays them
/// through the desired-state decoder too.
@Suite("Fuzz corpus replay")
struct FuzzCorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    @Test func everyInputParsesOrPointsInsideTheFile() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
        try #require(names.count >= 10, "the corpus is missing: \(Self.directory.path)")
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            expectParsesOrPointsInside(bytes)
        }
    }
}
