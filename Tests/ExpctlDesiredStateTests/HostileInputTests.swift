import ExpctlDesiredState
import ExpctlModel
import Testing

/// Inputs built to crash or stall a validator: each must give its diagnostic, and quickly.
@Suite("Hostile input")
struct HostileInputTests {
    /// Generous bounds for a debug build: they catch quadratic blow-ups (tens of seconds), not jitter.
    static let bound = Duration.seconds(3)

    private func timed(_ body: () -> [Diagnostic]) -> (Duration, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let elapsed = ContinuousClock().measure { diagnostics = body() }
        return (elapsed, diagnostics)
    }

    @Test(arguments: ["99999999999999999999", "1e30", "-1e30"])
    func hugeIntegersAreErrorsNotCrashes(value: String) {
        let diagnostics = validate(replacing: [
            "training.yaml": validTree["training.yaml"]!.replacingFirst("epochs: 3", with: "epochs: \(value)")
        ])
        expectSingleError(
            diagnostics, at: "training.yaml:9:13", message: "\(value) is too large for an integer", field: "epochs")
    }

    @Test(arguments: [".inf", "-.inf", ".nan", "1e400"])
    func nonFiniteNumbersAreNamed(value: String) {
        let diagnostics = validate(replacing: [
            "training.yaml": validTree["training.yaml"]!.replacingFirst(
                "learning_rate: 1.0e-4", with: "learning_rate: \(value)")
        ])
        expectSingleError(
            diagnostics, at: "training.yaml:8:20", message: "expected a finite number, found \(value)",
            field: "learning_rate")
    }

    @Test func manyGateWeightsAreReadInLinearTime() {
        let count = 20_000
        let weights = (0..<count).map { "      m\($0): 0.00005" }.joined(separator: "\n")
        let (elapsed, diagnostics) = timed {
            validate(replacing: ["gates.yaml": "gates:\n  offline:\n    weights:\n\(weights)\n"])
        }
        // Each is an unknown metric, with its hint.
        #expect(diagnostics.count == count, "\(diagnostics.prefix(3).map(describe))")
        #expect(elapsed < Self.bound)
    }

    @Test func hugeNamesGetNoSuggestionSearch() {
        let long = String(repeating: "m", count: 200_000)
        let (elapsed, diagnostics) = timed {
            validate(replacing: [
                "policies.yaml": validTree["policies.yaml"]!.replacingFirst(
                    "mlflow_model_name: planner_model\n        training",
                    with: "mlflow_model_name: \(long)\n        training"),
                "promotions.yaml": "promotions:\n  - { model: \(long)x, version: 1, stage: candidate }\n",
                "experiments/planner.yaml": validTree["experiments/planner.yaml"]!.replacingFirst(
                    "status: running", with: "status: running\n    baseline: \(long)"),
            ])
        }
        #expect(elapsed < Self.bound)
        #expect(diagnostics.contains { $0.message == "mlflow_model_name is longer than 256 characters" })
        #expect(
            diagnostics.contains {
                $0.message.hasPrefix("model_name is longer") || $0.message.hasPrefix("model is longer")
            })
        #expect(
            diagnostics.contains {
                $0.message.hasSuffix("names no variant of this experiment")
                    && $0.hint == "its variants are `control`, `leftovers_v2`"
            })
    }
}
