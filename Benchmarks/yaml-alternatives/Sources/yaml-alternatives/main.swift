// Parses the same 10,000 experiment documents with each YAML reader and prints the times
// and their ratio to expctl's reader (ExpctlYAML), the one `expctl validate` uses.
import BenchmarkSupport
import ExpctlDesiredState
import ExpctlYAML
import Foundation
import Yams

/// The experiment file shape, for Yams' Codable path (what a Codable-based loader would do).
struct ExperimentFile: Decodable {
    struct Experiment: Decodable {
        var name: String
        var description: String?
        var unit_type: String
        var status: String?
        var starts_at: String?
        var baseline: String?
        var variants: [Variant]
    }
    struct Variant: Decodable {
        var name: String
        var allocation: Double
        var policy_version: String
        var params: [String: Double]?
    }
    var experiments: [Experiment]
}

var fileCount = 10_000
if let index = CommandLine.arguments.firstIndex(of: "--files"), index + 1 < CommandLine.arguments.count,
    let count = Int(CommandLine.arguments[index + 1]), count > 0
{
    fileCount = count
}
let generator = RepositoryGenerator(fileCount: fileCount, changeCount: 1, layout: .nested)
let documents = (0..<fileCount).map { generator.experiment($0) }
let bytes = documents.map { Array($0.utf8) }

func measure(_ label: String, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        let elapsed = clock.now - start
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return best
}

let ours = try measure("ExpctlYAML") {
    for document in bytes { _ = try document.withUnsafeBufferPointer { try YAML.parse($0) } }
}
let oursDecoded = measure("ExpctlYAML + decode") {
    for (index, document) in bytes.enumerated() {
        _ = document.withUnsafeBufferPointer { FileDecoder.decode(path: "experiments/\(index).yaml", bytes: $0) }
    }
}
let yamsCompose = try measure("Yams.compose") {
    for document in documents { _ = try Yams.compose(yaml: document) }
}
let yamsCodable = try measure("Yams Codable") {
    let decoder = YAMLDecoder()
    for document in documents { _ = try decoder.decode(ExperimentFile.self, from: document) }
}

print("\(fileCount) experiment documents (best of 3, release):")
for (label, seconds) in [
    ("ExpctlYAML parse (the floor)", ours), ("ExpctlYAML parse + decode + checks", oursDecoded),
    ("Yams.compose (libyaml, nodes with marks)", yamsCompose), ("Yams YAMLDecoder (Codable)", yamsCodable),
] {
    print("  \(label.padding(toLength: 42, withPad: " ", startingAt: 0)) \(String(format: "%8.1f ms", seconds * 1000))  \(String(format: "%6.2fx", seconds / ours))")
}
