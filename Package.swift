// swift-tools-version:6.0
// expctl: a GitOps reconciler for ML experiments and the model lifecycle.
//
// Targets are layered: the YAML reader, the desired-state model and its validation are pure
// (no I/O, no C imports); each C library has exactly one adapter target; the command library
// ties them together and the `expctl` executable only calls it.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "expctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "expctl", targets: ["expctl"]),
        .executable(name: "expctl-bench", targets: ["expctl-bench"]),
        // For the benchmark packages under Benchmarks/, which compare against other libraries.
        .library(name: "ExpctlDesiredState", targets: ["ExpctlDesiredState"]),
        .library(name: "ExpctlYAML", targets: ["ExpctlYAML"]),
        .library(name: "BenchmarkSupport", targets: ["BenchmarkSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Typed wrappers for libcurl's variadic curl_easy_setopt/getinfo, which Swift cannot call.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),

        // A small, strict YAML reader with source positions and resource limits. Pure.
        .target(name: "ExpctlYAML", swiftSettings: strictSettings),
        // The desired-state model: experiments, policies, training, promotions, gates. Pure.
        // SHA-256 through swift-crypto (digests of plans, states, datasets; the assignment hash).
        .target(
            name: "ExpctlModel", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings),
        // Decoding YAML into the model, validation, and the blob-cached loader. Pure.
        .target(
            name: "ExpctlDesiredState",
            dependencies: ["ExpctlYAML", "ExpctlModel"],
            swiftSettings: strictSettings),
        // The statistics of the evaluation gates: distributions, paired tests, always-valid
        // inference (confidence sequences, mSPRT), non-inferiority and SRM checks. Pure.
        .target(name: "ExpctlStatistics", swiftSettings: strictSettings),
        // The planner: desired state against actual state gives a plan of typed actions. Pure.
        .target(name: "ExpctlPlan", dependencies: ["ExpctlModel", "ExpctlStatistics"], swiftSettings: strictSettings),
        // The typed dataset row, expctl's builtin reference model and the offline replay scorer. Pure.
        .target(name: "ExpctlTraining", dependencies: ["ExpctlModel"], swiftSettings: strictSettings),
        // The git source: reads desired state at a ref through libgit2, no checkout.
        .target(
            name: "ExpctlGit",
            dependencies: ["CGit2", "ExpctlDesiredState"],
            swiftSettings: strictSettings),
        // Finding secrets however a C library printed them (bytes, percent-encoding). Pure.
        .target(name: "ExpctlRedaction", swiftSettings: strictSettings),
        // A streaming Parquet writer for flat columns (PLAIN, uncompressed), to a file or to memory.
        .target(name: "ExpctlParquet", swiftSettings: strictSettings),
        // How long calls to PostgreSQL and MLflow take, for whoever listens (the service's metrics). Pure.
        .target(name: "ExpctlInstrumentation", swiftSettings: strictSettings),
        // The PostgreSQL adapter over libpq.
        .target(
            name: "ExpctlPostgres", dependencies: ["CLibPQ", "ExpctlRedaction", "ExpctlInstrumentation"],
            swiftSettings: strictSettings),
        // The `exp` schema as expctl's state store: migrations, actual state, transactional apply.
        .target(
            name: "ExpctlStore", dependencies: ["ExpctlPostgres", "ExpctlPlan", "ExpctlModel", "ExpctlStatistics"],
            swiftSettings: strictSettings),
        // Datasets: the store (a folder), the build from exp.events and the domain views streamed
        // through COPY into data.jsonl and training.parquet, and the files that describe them.
        .target(
            name: "ExpctlDatasets", dependencies: ["ExpctlPostgres", "ExpctlModel", "ExpctlPlan", "ExpctlParquet"],
            swiftSettings: strictSettings),
        // Running the ledger's jobs exactly once: claims with leases renewed by heartbeat, and the
        // executors of each kind of job (dataset builds, trainings, evaluations).
        .target(
            name: "ExpctlJobs",
            dependencies: [
                "ExpctlModel", "ExpctlPlan", "ExpctlPostgres", "ExpctlStore", "ExpctlDatasets", "ExpctlMLflow", "ExpctlTraining",
                "ExpctlHTTP", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: strictSettings),
        // The simulated meal-planner world (pure, seeded) and its writer through COPY.
        .target(
            name: "ExpctlSimulation", dependencies: ["ExpctlPostgres", "ExpctlModel", "ExpctlHTTP"],
            swiftSettings: strictSettings),
        // The HTTP transport over libcurl.
        .target(
            name: "ExpctlHTTP", dependencies: ["CCurl", "CCurlShim", "ExpctlRedaction", "ExpctlInstrumentation"],
            swiftSettings: strictSettings),
        // The MLflow REST client (tracking, artifacts, model registry) over the HTTP transport.
        .target(
            name: "ExpctlMLflow", dependencies: ["ExpctlHTTP", "ExpctlModel", "ExpctlPlan"], swiftSettings: strictSettings),
        // The reconciler: one pass (read source, validate, observe, plan, apply what is ready,
        // record) with typed outcomes, the apply across job ledger, MLflow and PostgreSQL, the
        // loop with an injected clock and wake-ups, and the progress hook.
        .target(
            name: "ExpctlReconciler",
            dependencies: [
                "ExpctlModel", "ExpctlDesiredState", "ExpctlGit", "ExpctlPlan", "ExpctlPostgres", "ExpctlStore", "ExpctlMLflow",
                "ExpctlDatasets", "ExpctlJobs",
            ],
            swiftSettings: strictSettings),
        // What `expctl serve` answers besides the loop, without HTTP: the in-memory snapshot of the
        // applied state, sticky assignment (002 §5), validated event ingestion (002 §6), and the
        // bounded pool of libpq connections on dedicated threads that the async handlers await.
        .target(
            name: "ExpctlServing", dependencies: ["ExpctlModel", "ExpctlPostgres"],
            swiftSettings: strictSettings),
        // The status page: server-rendered HTML and inline SVG from a status model. Pure.
        .target(name: "ExpctlStatusPage", dependencies: ["ExpctlModel"], swiftSettings: strictSettings),
        // `expctl serve`: the loop as a service, webhooks, health, metrics, the status page and
        // the two APIs, on Hummingbird 2 and swift-service-lifecycle.
        .target(
            name: "ExpctlService",
            dependencies: [
                "ExpctlModel", "ExpctlPlan", "ExpctlReconciler", "ExpctlStore", "ExpctlPostgres", "ExpctlServing",
                "ExpctlStatusPage", "ExpctlInstrumentation", "ExpctlJobs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings),
        // The commands (validate, version, ...) as a library that tests call.
        .target(
            name: "ExpctlCommands",
            dependencies: [
                "ExpctlModel", "ExpctlDesiredState", "ExpctlGit", "ExpctlPlan", "ExpctlPostgres", "ExpctlStore", "ExpctlHTTP",
                "ExpctlMLflow", "ExpctlReconciler", "ExpctlDatasets", "ExpctlJobs", "ExpctlSimulation", "ExpctlService",
                "ExpctlServing", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings),
        // The executable: only the entry point.
        .executableTarget(name: "expctl", dependencies: ["ExpctlCommands"], swiftSettings: strictSettings),
        // Benchmarks: programs that print figures (see docs/benchmarks.md).
        .target(name: "BenchmarkSupport", swiftSettings: strictSettings),
        .executableTarget(
            name: "expctl-bench",
            dependencies: [
                "BenchmarkSupport", "ExpctlDesiredState", "ExpctlGit", "ExpctlPlan", "ExpctlPostgres", "ExpctlStore", "ExpctlMLflow",
                "ExpctlHTTP", "ExpctlReconciler", "ExpctlDatasets", "ExpctlSimulation", "ExpctlTraining",
                "ExpctlStatistics",
            ],
            swiftSettings: strictSettings),

        // With the PyYAML script of the differential test and the fuzzer's corpus, both read at run time.
        .testTarget(
            name: "ExpctlYAMLTests", dependencies: ["ExpctlYAML"], exclude: ["pyyaml_canonical.py", "FuzzCorpus"],
            swiftSettings: strictSettings),
        // Byte-level checks of the Parquet writer and files read back with pyarrow and pandas.
        .testTarget(
            name: "ExpctlParquetTests", dependencies: ["ExpctlParquet"], exclude: ["read_parquet.py"],
            swiftSettings: strictSettings),
        // Test vectors of docs/gates and parity with scipy.stats (live, or the committed reference).
        .testTarget(
            name: "ExpctlStatisticsTests", dependencies: ["ExpctlStatistics"],
            exclude: ["Fixtures"], swiftSettings: strictSettings),
        .testTarget(name: "ExpctlRedactionTests", dependencies: ["ExpctlRedaction"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlDesiredStateTests",
            dependencies: ["ExpctlDesiredState", "ExpctlModel", "ExpctlYAML"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlPlanTests",
            dependencies: ["ExpctlPlan", "ExpctlModel", "ExpctlDesiredState", "ExpctlStatistics", "PlanningTestSupport"],
            exclude: ["Golden"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlTrainingTests", dependencies: ["ExpctlTraining", "ExpctlModel"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlGitTests",
            dependencies: ["ExpctlGit", "ExpctlDesiredState", "PostgresTestSupport"], exclude: ["git_http_server.py"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlCommandsTests",
            dependencies: [
                "ExpctlCommands", "ExpctlMLflow", "ExpctlHTTP", "ExpctlPlan", "ExpctlModel", "ExpctlStore", "ExpctlReconciler",
                "PostgresTestSupport",
            ],
            exclude: ["Golden", "flaky_proxy.py", "team_trainer.py", "team_predictor.py"],
            swiftSettings: strictSettings),
        // The planner example and helpers shared by the tests that plan.
        .target(
            name: "PlanningTestSupport", dependencies: ["ExpctlDesiredState", "ExpctlModel", "ExpctlPlan", "ExpctlStatistics"],
            path: "Tests/PlanningTestSupport"),
        // A fresh database per test on the server scripts/test starts.
        .target(
            name: "PostgresTestSupport", dependencies: ["ExpctlPostgres", "ExpctlStore", "ExpctlModel"],
            path: "Tests/PostgresTestSupport"),
        .testTarget(
            name: "ExpctlStoreTests",
            dependencies: [
                "ExpctlStore", "ExpctlPlan", "ExpctlModel", "ExpctlDesiredState", "ExpctlPostgres", "PostgresTestSupport",
                "PlanningTestSupport",
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlReconcilerTests",
            dependencies: [
                "ExpctlReconciler", "ExpctlStore", "ExpctlPlan", "ExpctlModel", "ExpctlDesiredState", "ExpctlPostgres",
                "PostgresTestSupport", "PlanningTestSupport",
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlMLflowTests",
            dependencies: ["ExpctlMLflow", "ExpctlHTTP", "ExpctlPlan", "ExpctlModel", "ExpctlDesiredState"],
            swiftSettings: strictSettings),
        .testTarget(name: "ExpctlHTTPTests", dependencies: ["ExpctlHTTP", "CCurlShim", "CCurl"], exclude: ["stub_server.py"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlDatasetsTests",
            dependencies: ["ExpctlDatasets", "ExpctlModel", "ExpctlPostgres", "ExpctlStore", "PostgresTestSupport"],
            exclude: ["compare_dataset.py"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlJobsTests",
            dependencies: [
                "ExpctlJobs", "ExpctlStore", "ExpctlPlan", "ExpctlModel", "ExpctlPostgres", "ExpctlHTTP", "PostgresTestSupport",
            ],
            swiftSettings: strictSettings),
        .testTarget(name: "ExpctlPostgresTests", dependencies: ["ExpctlPostgres", "PostgresTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlSimulationTests",
            // ExpctlStore for the real exp migrations, which the writer needs, and the gate's read of
            // the traffic (ExpctlPlan's types).
            dependencies: [
                "ExpctlSimulation", "ExpctlPostgres", "PostgresTestSupport", "ExpctlStore", "ExpctlModel", "ExpctlPlan",
            ],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlServingTests",
            dependencies: ["ExpctlServing", "ExpctlStore", "ExpctlModel", "ExpctlPostgres", "PostgresTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlStatusPageTests", dependencies: ["ExpctlStatusPage", "ExpctlPlan", "ExpctlModel"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "ExpctlServiceTests",
            dependencies: [
                "ExpctlService", "ExpctlServing", "ExpctlReconciler", "ExpctlStore", "ExpctlModel", "ExpctlPlan", "ExpctlGit",
                "ExpctlHTTP", "ExpctlPostgres", "PostgresTestSupport",
            ],
            swiftSettings: strictSettings),
    ]
)
