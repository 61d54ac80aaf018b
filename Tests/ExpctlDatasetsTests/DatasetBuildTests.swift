import ExpctlDatasets
import ExpctlModel
import ExpctlPostgres
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

private let declaration = DatasetConfig(
    name: "planner/2025-01-10", task: "planner", since: Timestamp(rfc3339: "2025-01-01T00:00:00Z")!,
    until: Timestamp(rfc3339: "2025-01-10T00:00:00Z")!, validationShare: 0.5, seed: 3,
    origin: SourceLocation(path: "datasets.yaml", line: 2, column: 11))

private func temporaryStore() throws -> DatasetStore {
    try DatasetStore(
        root: FileManager.default.temporaryDirectory.appendingPathComponent("datasets-\(UUID().uuidString)").path)
}

private func lines(_ folder: String, _ file: String) throws -> [[String: JSONValue]] {
    try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8).split(separator: "\n").map { line in
        guard case .object(let object)? = JSONValue(parsing: String(line)) else {
            throw DatasetBuildError.malformedCopyLine("not JSON")
        }
        return object
    }
}

/// Runs compare_dataset.py with the test Python (pyarrow, pandas) on `folder`.
private func readWithPyarrow(_ folder: String) throws -> String {
    guard let python = ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"], !python.isEmpty else {
        throw DatasetBuildError.fileSystem(
            path: folder,
            reason: "EXPCTL_TEST_PYTHON is not set: run the dataset tests with scripts/test, which sets it")
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "compare_dataset.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script.path, folder]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    return text
}

@Suite("Building a dataset from exp.events and the domain views")
struct DatasetBuildTests {
    @Test func everyFileIsWrittenAndParquetHoldsTheRowsOfDataJSONL() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try DomainFixture.create(on: connection)
            let store = try temporaryStore()
            var progress: [DatasetBuildProgress] = []
            let result = try DatasetBuilder(store: store, connection: connection).build(declaration) {
                progress.append($0)
            }
            #expect(result.rows == 3)
            #expect(!result.reused)
            #expect(progress.last == DatasetBuildProgress(rows: 3, expectedRows: 3))
            #expect(progress.first?.expectedRows == 4)  // generated plans in the window, accepted or not
            let files = try FileManager.default.contentsOfDirectory(atPath: result.folder).sorted()
            #expect(
                files == [
                    "data.jsonl", "dataset_summary.md", "metadata.json", "recipes.jsonl", "schema.json",
                    "training.parquet",
                ])
            let rows = try lines(result.folder, "data.jsonl")
            #expect(rows.map { $0["row_id"] } == [.string("p1"), .string("p2"), .string("p4")])
            let read = try readWithPyarrow(result.folder)
            #expect(read.contains(#""rows": 3"#))
            #expect(read.contains(#""occurred_at": "timestamp[us, tz=UTC]""#))
            #expect(read.contains(#""input": "extension<arrow.json>""#))
            let recipes = try lines(result.folder, "recipes.jsonl")
            #expect(recipes.map { $0["recipe_id"] } == ["r1", "r2", "r3", "r4"].map(JSONValue.string))
            #expect(recipes[1]["name"] == .string("Pasta \"al forno\""))
            #expect(recipes[3]["name"] == .string("Soup\\twith tab"))
            let metadata = try DatasetMetadata.verified(declaration.name, in: store)
            #expect(metadata.samples == 3)
            #expect(metadata.contentDigest == result.contentDigest)
            #expect(metadata.inputsDigest == declaration.inputsDigest)
            let summary = try String(contentsOfFile: "\(result.folder)/dataset_summary.md", encoding: .utf8)
            #expect(summary.contains("# Dataset: planner/2025-01-10"))
            #expect(summary.contains("**Rows**: 3"))
            #expect(summary.contains("- Households: 2"))
            #expect(summary.contains("- Date range: 2025-01-03 to 2025-01-06"))
            #expect(summary.contains("- Workflow types: meal-first (33%), pantry-first (33%), plan-first (33%)"))
            #expect(summary.contains("- Policy versions: planner_policy@1"))
        }
    }

    @Test func eachRowHasThePantryAsOfItsEventAndThePreviousAcceptedPlan() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try DomainFixture.create(on: connection)
            let result = try DatasetBuilder(store: try temporaryStore(), connection: connection).build(declaration)
            let rows = try lines(result.folder, "data.jsonl")
            func input(_ index: Int) -> [String: JSONValue] {
                guard case .object(let input)? = rows[index]["input"] else { return [:] }
                return input
            }
            func pantry(_ index: Int) -> [String] {
                guard case .object(let pantry)? = input(index)["pantry"], case .array(let items)? = pantry["items"]
                else { return [] }
                return items.compactMap {
                    if case .object(let item) = $0, case .string(let name)? = item["name"] { name } else { nil }
                }
            }
            // h1 on 3 January had rice (until the 5th); on the 6th, beans (since the 4th).
            #expect(pantry(0) == ["rice"])
            #expect(pantry(2) == ["beans"])
            #expect(input(0)["previous_plan"] == .null)
            guard case .object(let previous)? = input(2)["previous_plan"], case .array(let meals)? = previous["meals"]
            else {
                Issue.record("p4 should carry p1's accepted plan as its previous plan")
                return
            }
            #expect(meals.count == 2)
            guard case .object(let target)? = rows[0]["target"], case .array(let edits)? = target["user_edits"] else {
                Issue.record("p1's target should hold the user's edits")
                return
            }
            #expect(edits.count == 1)
            #expect(input(1)["workflow_type"] == .string("pantry-first"))
            guard case .object(let constraints)? = input(1)["constraints"] else { return }
            #expect(constraints["budget"] == .double(80.5))
        }
    }

    @Test func aRebuildGivesTheSameDigestAndAnExistingBuildIsVerifiedAndKept() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try DomainFixture.create(on: connection)
            let store = try temporaryStore()
            let first = try DatasetBuilder(store: store, connection: connection).build(declaration)
            let elsewhere = try DatasetBuilder(store: try temporaryStore(), connection: connection).build(declaration)
            #expect(elsewhere.contentDigest == first.contentDigest)
            let parquetA = try Data(contentsOf: URL(fileURLWithPath: first.folder + "/training.parquet"))
            let parquetB = try Data(contentsOf: URL(fileURLWithPath: elsewhere.folder + "/training.parquet"))
            #expect(parquetA == parquetB)
            let again = try DatasetBuilder(store: store, connection: connection).build(declaration)
            #expect(again.reused)
            #expect(again.contentDigest == first.contentDigest)
            // Another seed splits differently: another declaration, and the folder is taken.
            var reseeded = declaration
            reseeded.seed = 4
            let conflict = try #require(throws: DatasetBuildError.self) {
                try DatasetBuilder(store: store, connection: connection).build(reseeded)
            }
            #expect(conflict.description.contains("built from other inputs"))
            // Rows edited by hand after the build are noticed.
            try "{}\n".write(toFile: first.folder + "/data.jsonl", atomically: true, encoding: .utf8)
            let tampered = try #require(throws: DatasetBuildError.self) {
                try DatasetBuilder(store: store, connection: connection).build(declaration)
            }
            #expect(tampered.description.contains("changed after the build"))
        }
    }

    /// Online traffic (`expctl simulate --experiment`) logs plan ids with metrics but no plan:
    /// those events make no row, and an acceptance without a plan never stands in for the one
    /// with it, so the dataset is the same as without them.
    @Test func planEventsWithoutAPlanAreNotRows() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try DomainFixture.create(on: connection)
            let without = try DatasetBuilder(store: try temporaryStore(), connection: connection).build(declaration)
            let traffic = [
                ("plan_generated", "t1", "2025-01-07T10:00:00Z", #"{"latency_ms": 400, "cost_usd": 0.004}"#),
                ("plan_accepted", "t1", "2025-01-07T10:05:00Z", #"{"edit_count": 1}"#),
                // Earlier than p4's acceptance with its plan, for the same plan id.
                ("plan_accepted", "p4", "2025-01-06T10:00:30Z", #"{"edit_count": 0}"#),
            ]
            for (type, plan, time, metrics) in traffic {
                try connection.execute(
                    """
                    INSERT INTO exp.events (event_type, unit_type, unit_id, context, metrics, payload, occurred_at)
                    VALUES ($1, 'household', 'h1', '{"source": "simulate", "traffic": true}', $2::jsonb,
                            jsonb_build_object('plan_id', $3::text), $4::timestamptz)
                    """, [.text(type), .json(metrics), .text(plan), .text(time)])
            }
            let with = try DatasetBuilder(store: try temporaryStore(), connection: connection).build(declaration)
            #expect(with.rows == without.rows)
            #expect(with.contentDigest == without.contentDigest)
            #expect(
                try lines(with.folder, "data.jsonl").allSatisfy { row in
                    guard case .object(let target)? = row["target"], case .object? = target["accepted_plan"] else {
                        return false
                    }
                    return true
                })
        }
    }

    @Test func theSplitDependsOnTheSeedAndTheRowOnly() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            try DomainFixture.create(on: connection)
            let result = try DatasetBuilder(store: try temporaryStore(), connection: connection).build(declaration)
            let splits = try lines(result.folder, "data.jsonl").map { $0["split"] }
            #expect(result.trainRows + result.validationRows == 3)
            #expect(splits.filter { $0 == .string("validation") }.count == result.validationRows)
            var none = declaration
            none.validationShare = 0
            let all = try DatasetBuilder(store: try temporaryStore(), connection: connection).build(none)
            #expect(all.validationRows == 0)
        }
    }

    @Test func pathsNeverLeaveTheStore() throws {
        let store = try temporaryStore()
        for name in ["../outside", "planner/../../x", "/etc/passwd", "a//b", "./a", "a\\b", ""] {
            #expect(throws: DatasetBuildError.self, "\(name)") { try store.folder(name) }
        }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: store.root.appendingPathComponent("link"), withDestinationURL: outside)
        let error = try #require(throws: DatasetBuildError.self) { try store.folder("link/2025-01-10") }
        #expect(error.description.contains("is not a folder inside the dataset store"))
        #expect(try store.folder("planner/2025-01-10").path.hasPrefix(store.root.path + "/"))
    }

    @Test func aMissingDomainViewIsAClearErrorAndLeavesNoFolder() throws {
        try TestDatabase.with { database in
            let connection = try database.connect()
            _ = try ExpStore(connection: connection).migrate()
            let store = try temporaryStore()
            let error = try #require(throws: DatasetBuildError.self) {
                try DatasetBuilder(store: store, connection: connection).build(declaration)
            }
            #expect(
                error.description == "the domain schema app lacks app.households, app.pantry_items, app.constraints, "
                    + "app.recipes: create them as tables or views (docs/datasets.md), or name another domain_schema")
            #expect(!store.contains(declaration.name))
            let staging = (try? FileManager.default.contentsOfDirectory(atPath: store.root.path + "/.staging")) ?? []
            #expect(staging.isEmpty)
        }
    }
}
