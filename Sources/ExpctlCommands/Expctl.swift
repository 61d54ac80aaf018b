public import ArgumentParser
public import Foundation

/// The `expctl` command line: a root command and its subcommands.
public struct Expctl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "expctl",
        abstract: "A GitOps reconciler for ML experiments and the model lifecycle.",
        discussion: """
            expctl reads the desired state of experiments, policies, training configs and \
            promotions from a git repository, checks it (validate), shows what it would change in \
            PostgreSQL (plan) and carries it out (apply).
            """,
        version: ExpctlVersion.current,
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, ReconcileCommand.self, DatasetCommand.self,
            JobsCommand.self, ModelsCommand.self, SimulateCommand.self, AggregateCommand.self, MigrateCommand.self,
            ServeCommand.self,
            VersionCommand.self,
        ])

    public init() {}
}

/// A subcommand that writes through a `Console`, reads settings from the environment it is
/// given (never from the process's own), and returns its exit status, so tests can run it
/// in-process with everything explicit.
protocol ConsoleCommand: ParsableCommand {
    func execute(_ context: CommandContext) throws -> Int32
}

/// What a command runs with besides its arguments.
struct CommandContext {
    var console: any Console
    /// The environment variables it may read (`DATABASE_URL`, `PG*`, `MLFLOW_TRACKING_*`).
    var environment: [String: String]
}

extension ConsoleCommand {
    public mutating func run() throws {
        let status = try execute(CommandContext(console: StandardConsole(), environment: ProcessInfo.processInfo.environment))
        if status != 0 { throw ExitCode(status) }
    }
}

/// Exit statuses, Terraform's way: 0 success, 1 an error or invalid input, 2 changes pending
/// (`plan --detailed-exitcode`).
public enum ExitStatus {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    public static let changesPending: Int32 = 2
}

/// Runs the command line in-process: parses `arguments` (without the program name), runs the
/// command, prints what it says to `console`, and returns the exit status.
public enum ExpctlCLI {
    /// `environment` is what the command may read its settings from: the process's own for the
    /// executable, an explicit one in tests.
    public static func run(
        _ arguments: [String], console: any Console = StandardConsole(), environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Int32 {
        do {
            var command = try Expctl.parseAsRoot(arguments)
            if let consoleCommand = command as? any ConsoleCommand {
                return try consoleCommand.execute(CommandContext(console: console, environment: environment))
            }
            try command.run()
            return ExitStatus.success
        } catch let error as ExitCode {
            return error.rawValue
        } catch let error where ErrorReport.covers(error) {
            console.errorLine("expctl: error: \(ErrorReport(error).message)")
            return ExitStatus.failure
        } catch {
            let status = Expctl.exitCode(for: error)
            let message = Expctl.fullMessage(for: error)
            if status == .success {
                console.line(message)
            } else if !message.isEmpty {
                console.errorLine(message)
            }
            return status.rawValue
        }
    }
}
