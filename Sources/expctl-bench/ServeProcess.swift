import ExpctlPostgres
import Foundation

/// A repository of one running experiment for the serve benchmark: two 50/50 variants on one
/// policy version, made with the git command line in a temporary folder.
struct BenchRepository {
    let directory: URL
    var path: String { directory.path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-bench-serve-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        let configs = directory.appendingPathComponent("configs")
        try FileManager.default.createDirectory(at: configs, withIntermediateDirectories: true)
        try Data(
            """
            policies:
              - name: bench_policy
                versions:
                  - version: 1
                    mlflow_model_name: bench_model
                    mlflow_model_version: 1
            experiments:
              - name: bench_exp
                unit_type: user
                status: running
                baseline: control
                variants:
                  - name: control
                    allocation: 0.5
                    policy_version: bench_policy@1
                  - name: treatment
                    allocation: 0.5
                    policy_version: bench_policy@1
                    params: { exploration_rate: 0.2 }

            """.utf8
        ).write(to: configs.appendingPathComponent("bench.yaml"))
        for arguments in [
            ["init", "-q", "-b", "main"], ["add", "-A"],
            ["-c", "user.name=bench", "-c", "user.email=bench@expctl.invalid", "commit", "-q", "-m", "bench"],
        ] {
            _ = try LoadTools.run("git", ["-C", directory.path] + arguments)
        }
    }
}

/// `expctl serve` run as a child process, as users run it.
final class ServeProcess {
    let process = Process()
    private(set) var port = 0

    struct IDs {
        var experiment: String
        var variant: String
        var policyVersion: String
    }

    init(repository: String, databaseURL: String, token: String) throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("expctl")
        process.executableURL = binary
        process.arguments = [
            "serve", "--repo", repository, "--ref", "main", "--path", "configs", "--database-url", databaseURL,
            "--skip-registry", "--skip-jobs", "--listen", "127.0.0.1:0", "--interval", "1h", "--log-format", "text",
        ]
        process.environment = ["EXPCTL_API_TOKEN": token, "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BenchmarkErrorText("cannot start \(binary.path): \(error) (build it: swift build -c release)")
        }
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let portText = text.split(separator: ":").last, let port = Int(portText) else {
            throw BenchmarkErrorText("expctl serve did not say where it listens: \(text)")
        }
        self.port = port
    }

    /// Waits until the first pass applied the experiment (and the APIs' snapshot holds it).
    func waitUntilServing(_ connection: PostgresConnection) throws -> IDs {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            // Until the first pass migrates, the tables are not there.
            guard let rows = try? connection.execute(
                """
                SELECT e.id::text AS e, v.id::text AS v, v.policy_version_id::text AS p FROM exp.experiments e
                JOIN exp.variants v ON v.experiment_id = e.id WHERE e.name = 'bench_exp' AND v.name = 'control'
                """)
            else {
                Thread.sleep(forTimeInterval: 0.2)
                continue
            }
            if !rows.rows.isEmpty, let experiment = rows.string(0, "e"), let variant = rows.string(0, "v"), let version = rows.string(0, "p"),
                (try? LoadTools.run("curl", ["-sf", "http://127.0.0.1:\(port)/readyz"])) != nil
            {
                Thread.sleep(forTimeInterval: 0.5)
                return IDs(experiment: experiment, variant: variant, policyVersion: version)
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        throw BenchmarkErrorText("expctl serve did not apply the benchmark's experiment within 60 s")
    }

    func stop() {
        process.interrupt()
        process.waitUntilExit()
    }
}
