import ExpctlTraining
import Testing

@Suite("Decoding a predictions file")
struct PredictionsDecoderTests {
    let rowIDs = ["p1", "p2", "p3"]

    func line(_ rowID: String, _ plan: WeeklyPlan) -> String {
        PredictionLine.json(rowID: rowID, plan: plan).canonicalText
    }

    func decode(_ lines: [String]) throws(PredictionsError) -> [WeeklyPlan] {
        try PredictionsDecoder.plans(jsonl: Array(lines.joined(separator: "\n").utf8), rowIDs: rowIDs)
    }

    @Test func plansComeBackInRowOrderWhateverTheFileOrder() throws {
        let plans = [
            HandMade.plan([(.monday, "r1", 2)]), HandMade.plan([(.tuesday, "r2", 3), (.monday, "r6", 3)]), .empty,
        ]
        // As another writer might put it: spaces, other key order, extra keys.
        let written = #"{"plan": {"meals": [{"day": "monday", "recipe_id": "r1", "servings": 2}]}, "#
            + #""row_id": "p1", "latency_ms": 12}"#
        let decoded = try decode([line("p3", plans[2]), "", written, line("p2", plans[1])])
        #expect(decoded == plans)
    }

    @Test func errorsNameTheLineAndTheField() {
        let good = line("p1", HandMade.plan([(.monday, "r1", 2)]))
        let cases: [([String], DatasetDecodingError)] = [
            ([good, #"{"plan": {"meals": []}}"#], DatasetDecodingError(line: 2, field: "row_id", problem: "missing")),
            ([good, #"{"row_id": "p2"}"#], DatasetDecodingError(line: 2, field: "plan", problem: "missing")),
            (
                [good, line("p9", .empty)],
                DatasetDecodingError(line: 2, field: "row_id", problem: "'p9' is not a row of the dataset")
            ),
            (
                [good, "", good],
                DatasetDecodingError(line: 3, field: "row_id", problem: "'p1' was already predicted on line 1")
            ),
            (
                [#"{"row_id": "p1", "plan": {"meals": [{"day": "monday", "recipe_id": "r1"}]}}"#],
                DatasetDecodingError(line: 1, field: "plan.meals[0].servings", problem: "missing")
            ),
            (
                [#"{"row_id": "p1", "plan": {"meals": [{"day": "Monday", "recipe_id": "r1", "servings": 1}]}}"#],
                DatasetDecodingError(
                    line: 1, field: "plan.meals[0].day", problem: "'Monday' is not a day: expected monday … sunday")
            ),
            (
                [#"{"row_id": "p1", "plan": [1, 2]}"#],
                DatasetDecodingError(line: 1, field: "plan", problem: "expected an object, found an array")
            ),
            (["oops"], DatasetDecodingError(line: 1, field: "", problem: "expected an object, found 'o'")),
        ]
        for (lines, error) in cases {
            #expect(throws: PredictionsError.malformed(error)) { try decode(lines) }
        }
    }

    @Test func rowsWithoutAPredictionAreAnError() {
        #expect(throws: PredictionsError.missingPredictions(count: 2, firstRowIDs: ["p2", "p3"])) {
            try decode([line("p1", .empty)])
        }
        #expect(
            PredictionsError.missingPredictions(count: 2, firstRowIDs: ["p2", "p3"]).description
                == "2 row(s) have no prediction, e.g. 'p2', 'p3'")
    }
}
