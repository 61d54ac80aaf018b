import ExpctlModel
import ExpctlTraining
import Synchronization
import Testing

@Suite("The offline replay")
struct ReplayTests {
    static let world = SyntheticPlanner()

    static func models() throws -> [ReferenceModel] {
        let rows = world.rows(count: 800, seed: 21)
        return try [0.5, 2.0].map { rate in
            try ReferenceTrainer(config: TrainingTests.config(learningRate: rate, epochs: 2))
                .train(rows: rows, catalog: world.catalog).model
        }
    }

    @Test func concurrentReplayOfTheFileEqualsTheSequentialOneForAnyChunkCount() async throws {
        let models = try Self.models()
        let rows = Self.world.rows(count: 400, seed: 22)
        let bytes = Array((rows.map { $0.json.canonicalText }.joined(separator: "\n") + "\n").utf8)
        let scorer = OfflineScorer(catalog: Self.world.catalog)
        let sequential = OfflineReplay.evaluate(models: models, rows: rows, scorer: scorer)
        #expect(sequential.count == 2)
        #expect(sequential[0].rows != sequential[1].rows)
        for concurrency in [1, 2, 3, 7] {
            let concurrent = try await OfflineReplay.evaluate(
                models: models, datasetJSONL: bytes, scorer: scorer, concurrency: concurrency)
            #expect(concurrent.map(\.rowIDs) == sequential.map(\.rowIDs))
            #expect(concurrent.map(\.rows) == sequential.map(\.rows))
        }
        // Each model's plans are its own `plan(for:)`.
        for (row, scores) in zip(rows.prefix(50), sequential[1].rows) {
            #expect(scorer.score(models[1].plan(for: row.input), for: row) == scores)
        }
    }

    @Test func concurrentReplayOfDecodedRowsEqualsTheSequentialOneAndReportsEveryRow() throws {
        let models = try Self.models()
        // Not a multiple of the chunk size, so the last chunk is short.
        let rows = Self.world.rows(count: 5_000, seed: 24)
        let scorer = OfflineScorer(catalog: Self.world.catalog)
        let sequential = OfflineReplay.evaluate(models: models, rows: rows, scorer: scorer)
        for concurrency in [1, 2, 5] {
            let reported = Mutex<[Int]>([])
            let concurrent = OfflineReplay.evaluate(
                models: models, rows: rows, scorer: scorer, concurrency: concurrency
            ) { done in reported.withLock { $0.append(done) } }
            #expect(concurrent.map(\.rowIDs) == sequential.map(\.rowIDs))
            #expect(concurrent.map(\.rows) == sequential.map(\.rows))
            let counts = reported.withLock { $0 }
            #expect(counts == counts.sorted() && counts.count == 3 && counts.last == rows.count)
        }
        #expect(
            OfflineReplay.evaluate(models: models, rows: [], scorer: scorer, concurrency: 2).map(\.rows) == [[], []])
    }

    @Test func theFirstBadLineIsReportedWhateverTheChunks() async throws {
        let models = try Self.models()
        var lines = Self.world.rows(count: 120, seed: 23).map { $0.json.canonicalText }
        lines[40] = lines[40].replacingFirst("\"size\":", with: "\"size\":\"x\",\"_\":")
        lines[100] = "{"
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let scorer = OfflineScorer(catalog: Self.world.catalog)
        for concurrency in [1, 4] {
            await #expect(
                throws: DatasetDecodingError(
                    line: 41, field: "input.household.size", problem: "expected an integer, found a string")
            ) {
                try await OfflineReplay.evaluate(
                    models: models, datasetJSONL: bytes, scorer: scorer, concurrency: concurrency)
            }
        }
    }

    @Test func aModelFromAnotherCatalogueIsReboundToTheScorersOne() throws {
        let model = try Self.models()[0]
        // The evaluation catalogue lacks r0000 and has a recipe the model never saw.
        var recipes = Self.world.recipes.filter { $0.recipeID != "r0000" }
        recipes.append(
            Recipe(
                recipeID: "r9999", name: "new", ingredients: ["rice"], tags: ["italian"], allergens: [], prepTime: 10,
                costPerServing: 2))
        let catalog = try RecipeCatalog(recipes: recipes)
        let rows = Self.world.rows(count: 200, seed: 24)
        let evaluation = OfflineReplay.evaluate(models: [model], rows: rows, scorer: OfflineScorer(catalog: catalog))[0]
        #expect(evaluation.mean(.constraintRespect) == 1)
        let rebound = model.rebound(to: catalog)
        for row in rows.prefix(20) {
            #expect(!rebound.plan(for: row.input).meals.contains { $0.recipeID == "r0000" })
        }
    }
}
