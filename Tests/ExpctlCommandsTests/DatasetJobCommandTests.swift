import ExpctlCommands
import Foundation
import PostgresTestSupport
import Testing

private let declaration = """
    datasets:
      - name: planner/2025-01-15
        task: planner
        since: 2025-01-01T00:00:00Z
        until: 2025-01-15T00:00:00Z
        validation_share: 0.2
        seed: 5
    """

/// A repository declaring only the dataset, and a store of its own.
private func datasetRepository() throws -> (GitFixture, String) {
    let repository = try GitFixture()
    try repository.write("datasets.yaml", declaration)
    _ = try repository.commitAll("Declare the dataset")
    let store = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-\(UUID().uuidString)").path
    return (repository, store)
}

@Suite("Dataset jobs through expctl plan, apply, jobs and dataset build")
struct DatasetJobCommandTests {
    @Test func applyRecordsTheDatasetJobRunsItAndAPlanAfterwardsHasNoChanges() throws {
        let (repository, store) = try datasetRepository()
        try TestDatabase.with { database in
            #expect(
                expctl(arguments: [
                    "simulate", "--households", "40", "--days", "14", "--seed", "3",
                    "--database-url", database.url,
                ]).status == 0)
            let common = [
                "--repo", repository.path, "--database-url", database.url, "--dataset-root", store, "--skip-registry",
            ]
            let plan = expctl(arguments: ["plan"] + common)
            #expect(plan.output.contains("# job.dataset/planner/2025-01-15 will be created"), "\(plan.output)")
            let apply = expctl(arguments: ["apply", "--auto-approve"] + common)
            #expect(apply.status == 0, "\(apply.output)\(apply.errors)")
            #expect(apply.output.contains("job dataset planner/2025-01-15"), "\(apply.output)")
            #expect(apply.output.contains("succeeded in"))
            #expect(apply.output.contains("Jobs: 1 succeeded, 0 failed or stopped."))
            #expect(FileManager.default.fileExists(atPath: store + "/planner/2025-01-15/training.parquet"))
            let again = expctl(arguments: ["plan", "--detailed-exitcode"] + common)
            #expect(again.status == 0, "\(again.output)")

            let jobs = expctl(arguments: ["jobs", "--database-url", database.url])
            #expect(jobs.output.contains("dataset  planner/2025-01-15"), "\(jobs.output)")
            #expect(jobs.output.contains("succeeded"))
            let listed = expctl(arguments: ["jobs", "--database-url", database.url, "--format", "json"])
            #expect(listed.output.contains(#""kind": "dataset""#), "\(listed.output)")
            let id = try #require(try database.connect().execute("SELECT id::text FROM exp.jobs").string(0, "id"))
            let shown = expctl(arguments: ["jobs", "show", String(id.prefix(8)), "--database-url", database.url])
            #expect(shown.output.contains("state:    succeeded (attempts 1)"), "\(shown.output)")
            #expect(shown.output.contains("content_digest"))
            let retried = expctl(arguments: ["jobs", "retry", id, "--database-url", database.url])
            #expect(retried.status == 1)
            #expect(retried.errors.contains("not failed: only a failed job can be retried"), "\(retried.errors)")
        }
    }

    @Test func datasetBuildByHandIsKeptByTheJobAndNamesTheDeclaration() throws {
        let (repository, store) = try datasetRepository()
        try TestDatabase.with { database in
            #expect(
                expctl(arguments: [
                    "simulate", "--households", "30", "--days", "14", "--seed", "3",
                    "--database-url", database.url,
                ]).status == 0)
            let build = expctl(arguments: [
                "dataset", "build", "planner/2025-01-15", "--repo", repository.path,
                "--database-url", database.url, "--dataset-root", store,
            ])
            #expect(build.status == 0, "\(build.errors)")
            #expect(build.output.contains("Built dataset planner/2025-01-15: "))
            let again = expctl(arguments: [
                "dataset", "build", "planner/2025-01-15", "--repo", repository.path,
                "--database-url", database.url, "--dataset-root", store,
            ])
            #expect(again.output.contains("is already built from this declaration (verified)"), "\(again.output)")
            let typo = expctl(arguments: [
                "dataset", "build", "planner/2025-01-16", "--repo", repository.path,
                "--database-url", database.url, "--dataset-root", store,
            ])
            #expect(typo.status == 1)
            #expect(typo.errors.contains("dataset planner/2025-01-16 is not declared"), "\(typo.errors)")
            #expect(typo.errors.contains("did you mean planner/2025-01-15?"))
            let apply = expctl(arguments: [
                "apply", "--auto-approve", "--skip-registry", "--repo", repository.path,
                "--database-url", database.url, "--dataset-root", store,
            ])
            #expect(apply.output.contains("succeeded in"), "\(apply.output)")
        }
    }

    @Test func aFailedBuildIsRecordedWithItsReasonAndRetriedByHand() throws {
        let (repository, store) = try datasetRepository()
        try TestDatabase.with { database in
            // No domain views yet: the job fails, with why.
            let common = [
                "--repo", repository.path, "--database-url", database.url, "--dataset-root", store, "--skip-registry",
            ]
            let apply = expctl(arguments: ["apply", "--auto-approve"] + common)
            #expect(apply.status == 1)
            #expect(apply.output.contains("failed after"), "\(apply.output)")
            #expect(apply.output.contains("the domain schema app lacks app.households"))
            let id = try #require(try database.connect().execute("SELECT id::text FROM exp.jobs").string(0, "id"))
            #expect(
                expctl(arguments: [
                    "simulate", "--households", "10", "--days", "14", "--seed", "3",
                    "--database-url", database.url,
                ]).status == 0)
            // Nothing runs it again by itself: the inputs are the same.
            #expect(expctl(arguments: ["apply", "--auto-approve"] + common).output.contains("failed after") == false)
            #expect(expctl(arguments: ["jobs", "retry", id, "--database-url", database.url]).status == 0)
            let retried = expctl(arguments: ["apply", "--auto-approve"] + common)
            #expect(retried.status == 0, "\(retried.output)")
            #expect(retried.output.contains("attempt 2) succeeded"), "\(retried.output)")
        }
    }
}
