import ExpctlModel
import ExpctlTraining
import Foundation
import Testing

@Suite("Decoding rows and recipes")
struct RowDecodingTests {
    static func jsonl(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\n").utf8) }

    static func line(_ row: DatasetRow) -> String { row.json.canonicalText }

    /// `row` with the text `old` of its line replaced by `new`.
    static func edited(_ old: String, _ new: String, in row: DatasetRow = HandMade.row) -> String {
        let text = line(row)
        precondition(text.contains(old), "the row's line has no \(old)")
        return text.replacingFirst(old, with: new)
    }

    @Test func rowsRoundTripThroughTheirJSONLines() throws {
        let rows = SyntheticPlanner().rows(count: 300, seed: 11)
        let decoded = try DatasetDecoder.rows(jsonl: Self.jsonl(rows.map(Self.line) + [""]))
        #expect(decoded == rows)
        #expect(try DatasetDecoder.rows(jsonl: Self.jsonl([Self.line(HandMade.row)])) == [HandMade.row])
    }

    @Test func escapesUnicodeNullsAndUnknownKeysAreRead() throws {
        var row = HandMade.row
        row.rowID = "plan \"7\"\n\\ü🍝"
        row.input.household.region = "Zürich"
        row.input.mode = nil
        row.input.previousPlan = HandMade.plan([(.sunday, "r7", 4)])
        row.metadata.policyVersionID = "planner_policy@2"
        let text = Self.line(row).replacingFirst(
            "{\"input\":", with: "{\"extra\": [1, {\"a\": null}, true], \"input\":")
        #expect(try DatasetDecoder.row(line: text) == row)
        // Whitespace as other writers put it, and \u escapes with a surrogate pair.
        let spaced = Self.line(HandMade.row)
            .replacingFirst("\"row_id\":\"plan-1\"", with: #" "row_id" : "\u0070\ud83c\udf5d" "#)
            .replacingFirst("\"split\":\"validation\"", with: "\"split\" :\t\"train\"")
        let decoded = try DatasetDecoder.row(line: spaced)
        #expect(decoded.rowID == "p🍝")
        #expect(decoded.split == .train)
    }

    @Test func numbersAreReadAsTheNearestDouble() throws {
        for text in [
            "0.1", "2", "1e-3", "123.456", "9007199254740993", "1.7976931348623157e308", "5e-324",
            "0.30000000000000004", "12345678901234567890.5", "-0.0", "4.35", "1E2",
        ] {
            let row = try DatasetDecoder.row(line: Self.edited("\"quantity\":1.0", "\"quantity\":\(text)"))
            #expect(row.input.pantry[0].quantity.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
        #expect(
            try DatasetDecoder.row(line: Self.edited("\"max_prep_time\":45", "\"max_prep_time\":45.0"))
                .input.constraints.maxPrepTime == 45)
    }

    @Test func errorsNameTheLineAndTheField() {
        let good = Self.line(HandMade.row)
        let cases: [(String, String, String)] = [
            (
                Self.edited("\"size\":2", "\"size\":\"two\""), "input.household.size",
                "expected an integer, found a string"
            ),
            (Self.edited("\"budget\":60.0,", ""), "input.constraints.budget", "missing"),
            (
                Self.edited("\"split\":\"validation\"", "\"split\":\"test\""), "split",
                "'test' is not one of 'train', 'validation'"
            ),
            (
                Self.edited("\"day\":\"tuesday\",\"recipe_id\":\"r3\"", "\"day\":\"monday\",\"recipe_id\":\"r3\""),
                "target.accepted_plan.meals[1].day", "monday has a second meal: a plan has one meal per day"
            ),
            (
                Self.edited("\"day\":\"wednesday\"", "\"day\":\"someday\""), "target.accepted_plan.meals[2].day",
                "'someday' is not a day: expected monday … sunday"
            ),
            (
                Self.edited("\"type\":\"swap_meal\"", "\"type\":\"add_meal\""), "target.user_edits[0].type",
                "'add_meal' is not an edit: expected 'swap_meal' or 'adjust_servings'"
            ),
            (
                Self.edited("\"servings\":2}", "\"servings\":0}"), "target.accepted_plan.meals[0].servings",
                "servings must be at least 1, not 0"
            ),
            (
                Self.edited("\"workflow_type\":\"plan-first\"", "\"workflow_type\":7"), "input.workflow_type",
                "expected a string, found a number"
            ),
            (String(good.dropLast()), "", "expected ',' or '}', found the end of the line"),
            (good + " x", "", "unexpected text after the JSON value"),
        ]
        for (bad, field, problem) in cases {
            #expect(throws: DatasetDecodingError(line: 3, field: field, problem: problem)) {
                try DatasetDecoder.rows(jsonl: Self.jsonl([good, "  ", bad, good]))
            }
        }
        let error = DatasetDecodingError(line: 3, field: "input.household.size", problem: "expected an integer")
        #expect(error.description == "line 3, field input.household.size: expected an integer")
    }

    @Test func aRecipeCatalogueFromItsLines() throws {
        let lines = HandMade.recipes.reversed().map { $0.json.canonicalText }
        let catalog = try RecipeCatalog(jsonl: Self.jsonl(lines + [""]))
        #expect(catalog.recipes == HandMade.recipes)
        #expect(catalog.index(of: "r3") == 2)
        #expect(catalog.recipe("r6")?.costPerServing == 1.5)
        #expect(catalog.recipe("r9") == nil)
    }

    @Test func recipeErrorsNameTheLineAndTheField() {
        let lines = HandMade.recipes.map { $0.json.canonicalText }
        #expect(throws: DatasetDecodingError(line: 3, field: "recipe_id", problem: "recipe 'r1' is already on line 1"))
        {
            try RecipeCatalog(jsonl: Self.jsonl([lines[0], lines[1], lines[0]]))
        }
        let negative = lines[1].replacingFirst("\"prep_time\":30", with: "\"prep_time\":-5")
        #expect(
            throws: DatasetDecodingError(line: 2, field: "prep_time", problem: "a prep time cannot be negative (-5)")
        ) {
            try RecipeCatalog(jsonl: Self.jsonl([lines[0], negative]))
        }
        let noIngredients = lines[0].replacingFirst("\"ingredients\":[\"rice\",\"beans\"],", with: "")
        #expect(throws: DatasetDecodingError(line: 1, field: "ingredients", problem: "missing")) {
            try RecipeCatalog(jsonl: Self.jsonl([noIngredients]))
        }
    }
}

extension String {
    func replacingFirst(_ old: String, with new: String) -> String {
        guard let range = range(of: old) else { return self }
        return replacingCharacters(in: range, with: new)
    }
}
