import ExpctlModel
import ExpctlTraining
import Testing

@Suite("The offline scorer")
struct ScorerTests {
    let scorer = OfflineScorer(catalog: HandMade.catalog)

    /// monday r1, tuesday r2, wednesday r6 for three, thursday r4 (nuts), friday r1 again.
    let prediction = HandMade.plan([
        (.monday, "r1", 2), (.tuesday, "r2", 2), (.wednesday, "r6", 3), (.thursday, "r4", 2), (.friday, "r1", 2),
    ])

    @Test func eachScoreOfAHandMadeRow() {
        let scores = scorer.score(prediction, for: HandMade.row)
        // Distinct recipes {r1, r2, r6, r4} against {r1, r3, r6, r8}: two shared of four.
        #expect(scores.planAlignment == 0.5)
        // Four distinct of seven days; tag dissimilarity over the ten pairs of five meals.
        let pairs = (2.0 / 3 + 1 + 1 + 0 + 0.5 + 1 + 2.0 / 3 + 1 + 1 + 1) / 10
        #expect(abs(scores.mealDiversity - (4.0 / 7 + pairs) / 2) < 1e-12)
        // Rice and tomatoes used; saffron unused; basil had nothing left, so it does not count.
        #expect(abs(scores.leftoversUtility - 2.0 / 3) < 1e-12)
        #expect(scores.constraintRespect == 0)
        #expect(scores.violations == [.allergen(day: .thursday, recipeID: "r4", allergen: "nut")])
        // Matched: r1 (monday), r6 (wednesday, servings 3 → 2: one adjustment); unmatched: two of
        // A's meals, with five meals predicted: 5 − 2 + 1 = 4 edits against the user's 1 day.
        #expect(scores.predictedEdits == 4)
        #expect(scores.userEditedDays == 1)
        #expect(abs(scores.editDistance - (1 - 3.0 / 7)) < 1e-12)
    }

    @Test func tokenCountsAndTheCostLatencyProxy() {
        let scores = scorer.score(prediction, for: HandMade.row)
        // {"meals":[...]}: 12 bytes, five meals of 37 + day + id + 1 bytes, four commas.
        #expect(scores.outputTokens == (12 + 46 + 47 + 49 + 48 + 46 + 4 + 3) / 4)
        #expect(prediction.json.canonicalText.utf8.count == 12 + 46 + 47 + 49 + 48 + 46 + 4)
        let proxy = CostLatencyProxy()
        let inputTokens = proxy.tokens(bytes: HandMade.input.json.canonicalText.utf8.count)
        #expect(scores.inputTokens == inputTokens)
        let acceptedTokens = proxy.tokens(bytes: HandMade.accepted.json.canonicalText.utf8.count)
        #expect(acceptedTokens == 52)
        let predicted = proxy.latencyMs(inputTokens: inputTokens, outputTokens: scores.outputTokens)
        #expect(scores.latencyMs == predicted)
        #expect(scores.costLatency == proxy.latencyMs(inputTokens: inputTokens, outputTokens: 52) / predicted)
        #expect(scores.costUSD == (0.5 * Double(inputTokens) + 1.5 * Double(scores.outputTokens)) / 1_000_000)
        // The accepted plan itself costs no more than itself.
        #expect(scorer.score(HandMade.accepted, for: HandMade.row).costLatency == 1)
    }

    @Test func theAcceptedPlanScoresFullMarksWhereItCan() {
        let scores = scorer.score(HandMade.accepted, for: HandMade.row)
        #expect(scores.planAlignment == 1)
        #expect(scores.constraintRespect == 1)
        #expect(scores.predictedEdits == 0)
        #expect(scores.editDistance == 1)
    }

    @Test func everyKindOfViolation() {
        let plan = HandMade.plan([
            (.monday, "r5", 2),  // shellfish is not restricted, but shrimp is excluded; 50 minutes > 45
            (.tuesday, "r4", 2),  // nuts
            (.wednesday, "r99", 2),  // not in the catalogue
            (.thursday, "r7", 9),  // 60 minutes; 5 × 9 = 45
        ])
        let scores = scorer.score(plan, for: HandMade.row)
        #expect(
            scores.violations == [
                .excludedIngredient(day: .monday, recipeID: "r5", ingredient: "shrimp"),
                .prepTime(day: .monday, recipeID: "r5", minutes: 50, limit: 45),
                .allergen(day: .tuesday, recipeID: "r4", allergen: "nut"),
                .unknownRecipe(day: .wednesday, recipeID: "r99"),
                .prepTime(day: .thursday, recipeID: "r7", minutes: 60, limit: 45),
                .budget(total: 12 + 7 + 45, budget: 60),
            ])
        #expect(scores.constraintRespect == 0)
        // An unknown recipe still counts as a distinct recipe and can align with the target.
        var row = HandMade.row
        row.target.acceptedPlan = HandMade.plan([(.monday, "r99", 2)])
        #expect(scorer.score(HandMade.plan([(.friday, "r99", 2)]), for: row).planAlignment == 1)
    }

    @Test func edgeCasesOfEmptyPlansAndPantries() {
        var row = HandMade.row
        row.target.acceptedPlan = .empty
        row.input.pantry = []
        let scores = scorer.score(.empty, for: row)
        #expect(scores.planAlignment == 1)
        #expect(scores.leftoversUtility == 1)
        #expect(scores.mealDiversity == 0)
        #expect(scores.constraintRespect == 1)
        // One meal: recipe variety 1/7, no pairs.
        #expect(scorer.score(HandMade.plan([(.monday, "r1", 2)]), for: row).mealDiversity == 1.0 / 14)
        // Seven distinct recipes without shared tags would be 1; repeats lower it.
        let repeated = HandMade.plan(Weekday.allCases.map { ($0, "r1", 2) })
        #expect(scorer.score(repeated, for: row).mealDiversity == 1.0 / 14)
    }

    @Test func aggregatesAreMeansInRowOrderAndTheWeightedScore() throws {
        var second = HandMade.row
        second.rowID = "plan-2"
        let evaluation = OfflineReplay.evaluate(
            predictions: [prediction, HandMade.accepted], rows: [HandMade.row, second], scorer: scorer)
        #expect(evaluation.rowIDs == ["plan-1", "plan-2"])
        #expect(evaluation.values(.planAlignment) == [0.5, 1])
        #expect(evaluation.mean(.planAlignment) == 0.75)
        #expect(evaluation.mean(.constraintRespect) == 0.5)
        #expect(evaluation.violatingRows == 1)
        let weights = ["plan_alignment_score": 0.6, "constraint_respect_score": 0.4]
        #expect(try evaluation.offlineEvalScore(weights: weights) == 0.4 * 0.5 + 0.6 * 0.75)
        #expect(try evaluation.rowOfflineScores(weights: weights) == [0.4 * 0 + 0.6 * 0.5, 0.4 * 1 + 0.6 * 1])
        #expect(throws: ScoringError.unknownMetric("alignment")) {
            try evaluation.offlineEvalScore(weights: ["alignment": 1])
        }
        let metrics = try evaluation.metrics(weights: OfflineGates.defaultWeights)
        #expect(metrics["plan_alignment_score"] == .double(0.75))
        #expect(metrics["rows"] == .integer(2))
        #expect(metrics["latency_ms"] == .double(evaluation.latencyMs))
        #expect(
            metrics["offline_eval_score"]
                == .double(try evaluation.offlineEvalScore(weights: OfflineGates.defaultWeights)))
        let tokens = evaluation.rows.reduce(0) { $0 + $1.inputTokens + $1.outputTokens }
        #expect(
            abs(evaluation.costPer1kTokens - evaluation.rows.reduce(0) { $0 + $1.costUSD } * 1000 / Double(tokens))
                < 1e-18)
        #expect(OfflineScorer.scorerVersion.hasPrefix("expctl-offline-replay/"))
    }
}
