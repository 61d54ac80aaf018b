import ExpctlYAML
import Foundation
import Testing

/// The Python of the MLflow environment, which has PyYAML; scripts/test sets it.
private let testPython = ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }

/// Generated documents read by this reader and by PyYAML must give the same values.
@Suite("Differential: generated documents against PyYAML")
struct DifferentialTests {
    static let documentCount = 3_000

    @Test(.enabled(if: testPython != nil, "EXPCTL_TEST_PYTHON is not set: run with scripts/test, which sets it"))
    func generatedDocumentsReadAsPyYAMLReadsThem() throws {
        var generator = DocumentGenerator(seed: 0x00D1_FF00)
        let documents = (0..<Self.documentCount).map { _ in generator.document() }
        let theirs = try readWithPyYAML(documents)
        try #require(theirs.count == documents.count, "PyYAML answered \(theirs.count) of \(documents.count)")
        var mismatches = 0
        for (document, expected) in zip(documents, theirs) {
            let ours: String
            do {
                ours = try YAML.parse(document).map(canonicalForm) ?? "n"
            } catch {
                ours = "!\(error)"
            }
            guard ours != expected else { continue }
            mismatches += 1
            if mismatches <= 5 {
                Issue.record("reader: \(ours)\nPyYAML: \(expected)\nfor the document:\n\(document)")
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(documents.count) documents read differently")
    }

    @Test func canonicalFormsOfEachKindOfValue() throws {
        let root = try #require(try YAML.parse("a: [~, true, -3, 1.5, 'é']\n1: {x: .inf}"))
        let double = { (value: Double) in "d\(value.bitPattern)" }
        #expect(
            canonicalForm(root)
                == "{s61:[n,t,i-3,\(double(1.5)),sc3a9],i1:{s78:\(double(.infinity))}}")
    }

    /// PyYAML's canonical forms of `documents`, in order, from one run of the Python script.
    private func readWithPyYAML(_ documents: [String]) throws -> [String] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("yaml-differential-\(UUID()).hex")
        defer { try? FileManager.default.removeItem(at: input) }
        let lines = documents.map { Array($0.utf8).map { String(format: "%02x", $0) }.joined() }
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .ascii)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("pyyaml_canonical.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: testPython!)
        process.arguments = [script.path, input.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the PyYAML script failed: \(errorText)")
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}

/// A canonical text for a value under the YAML 1.2 core schema, which pyyaml_canonical.py also
/// writes: `n`, `t`, `f`, `i` and the integer, `d` and the bits of the double (`dnan` for any
/// NaN), `s` and the hex of the UTF-8 string, `[a,b]`, `{k:v}` (keys resolved like values).
func canonicalForm(_ node: YAMLNode) -> String {
    switch node.value {
    case .scalar(let scalar):
        if scalar.isNull { return "n" }
        if let bool = scalar.bool { return bool ? "t" : "f" }
        if let integer = scalar.integer { return "i\(integer)" }
        if let double = scalar.double { return double.isNaN ? "dnan" : "d\(double.bitPattern)" }
        return "s" + scalar.text.utf8.map { String(format: "%02x", $0) }.joined()
    case .sequence(let items):
        return "[" + items.map(canonicalForm).joined(separator: ",") + "]"
    case .mapping(let entries):
        return "{" + entries.map { canonicalForm($0.key) + ":" + canonicalForm($0.value) }.joined(separator: ",") + "}"
    }
}
