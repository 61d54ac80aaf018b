import Foundation

/// scipy.stats' answers on seeded random inputs, as Fixtures/make_scipy_reference.py writes them.
struct ScipyReference: Decodable {
    struct NormalCDF: Decodable { var x, cdf, sf: Double }
    struct NormalQuantile: Decodable { var p, ppf: Double }
    struct StudentT: Decodable { var t, df, cdf, sf: Double }
    struct ChiSquare: Decodable { var x, df, sf: Double }
    struct PairedSample: Decodable {
        var candidate, baseline: [Double]
        var delta, statistic, pvalue: Double
        var df: Double?
        var pvalueCorrected: Double?
    }
    struct GoodnessOfFit: Decodable {
        var observed: [Int]
        var weights: [Double]
        var statistic, pvalue: Double
    }

    var scipy: String
    var normalCdf: [NormalCDF]
    var normalQuantile: [NormalQuantile]
    var studentT: [StudentT]
    var chiSquare: [ChiSquare]
    var pairedT: [PairedSample]
    var wilcoxonAsymptotic: [PairedSample]
    var wilcoxonAutomatic: [PairedSample]
    var chiSquareGoodnessOfFit: [GoodnessOfFit]

    /// Where the reference came from: a live run of the generator, or the committed file.
    enum Source: CustomStringConvertible {
        case live(python: String)
        case committed

        var description: String {
            switch self {
            case .live(let python): "scipy run live by \(python)"
            case .committed: "the committed Fixtures/scipy_reference.json (no scipy in EXPCTL_TEST_PYTHON)"
            }
        }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Runs the generator with EXPCTL_TEST_PYTHON when that interpreter can import scipy, else
    /// reads the committed output. Loaded once per test process.
    static let loaded: Result<(ScipyReference, Source), any Error> = Result {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        if let python = ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"], !python.isEmpty,
            try run(python, ["-c", "import scipy"]) != nil
        {
            let script = fixtures.appendingPathComponent("make_scipy_reference.py").path
            guard let output = try run(python, [script]) else {
                throw ReferenceError(description: "\(script) failed under \(python)")
            }
            return announced(try decoder.decode(ScipyReference.self, from: output), .live(python: python))
        }
        let committed = try Data(contentsOf: fixtures.appendingPathComponent("scipy_reference.json"))
        return announced(try decoder.decode(ScipyReference.self, from: committed), .committed)
    }

    /// Says once, in the test log, which reference the parity tests compare against.
    private static func announced(_ reference: ScipyReference, _ source: Source) -> (ScipyReference, Source) {
        print("ExpctlStatisticsTests: scipy \(reference.scipy) reference from \(source)")
        return (reference, source)
    }

    /// The standard output of `python arguments`, or nil if it exits with a failure.
    private static func run(_ python: String, _ arguments: [String]) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-scipy-\(UUID().uuidString)")
        // A file, not a pipe: the reference is larger than a pipe's buffer.
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
            throw ReferenceError(description: "cannot create \(output.path)")
        }
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return try Data(contentsOf: output)
    }
}

struct ReferenceError: Error, CustomStringConvertible {
    var description: String
}
