import ExpctlDesiredState
import ExpctlModel
import Foundation
import Testing

/// Replays the YAML fuzz corpus (Tests/ExpctlYAMLTests/FuzzCorpus, from scripts/fuzz-yaml)
/// through the desired-state decoder: each file gives diagnostics that point inside it.
@Suite("Fuzz corpus through the decoder")
struct FuzzCorpusReplayTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ExpctlYAMLTests/FuzzCorpus")

    @Test func everyInputDecodesWithDiagnosticsInsideTheFile() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
        try #require(names.count >= 10, "the corpus is missing: \(Self.directory.path)")
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            let lines =
                1 + bytes.indices.filter { bytes[$0] == 0x0A || bytes[$0] == 0x0D && bytes[safe: $0 + 1] != 0x0A }.count
            let fragment = bytes.withUnsafeBufferPointer { FileDecoder.decode(path: name, bytes: $0) }
            for diagnostic in fragment.diagnostics {
                let location = diagnostic.location
                #expect(
                    (1...lines).contains(location.line) && (1...bytes.count + 1).contains(location.column),
                    "\(name): \(location) \(diagnostic.message)")
            }
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
