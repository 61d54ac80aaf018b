public import ExpctlModel
public import Foundation

/// The runner port for a team's program: where it runs is the executor's business (a local
/// process group, or a Ray cluster's Jobs API), how long it may run and when it is stopped is
/// the driver's (`CommandProcess`).
public protocol CommandExecutor: AnyObject {
    /// The executor's name in the ledger (`exp.jobs.execution`) when its programs outlive expctl
    /// and can be re-attached to; nil when they die with it (local processes).
    var ledgerName: String? { get }
    /// Seconds between polls of a running program.
    var pollSeconds: Double { get }
    /// The path at which the program sees a path of this machine (the dataset store).
    func programPath(forLocal path: String) -> String
    /// Where the program writes its own output (`{output_dir}`), as the program sees it, and
    /// the folder to remove once it ended, when it is on this machine.
    func outputDirectory(job: String) throws -> (program: String, local: URL?)
    /// Starts `command`; returns at once.
    func submit(_ command: SubmittedCommand) throws -> CommandHandle
    /// The earlier submission `submissionID` when it still exists and was made for `job`; nil
    /// when the executor has none (it never arrived, or the cluster forgot it).
    func attach(_ submissionID: String, job: String) throws -> CommandHandle?
    /// Where the program is now.
    func poll(_ handle: CommandHandle) throws -> CommandStatus
    /// What it printed so far, stdout and stderr merged, bounded.
    func logs(_ handle: CommandHandle) throws -> CommandLogs
    /// Asks it to stop: SIGTERM, then SIGKILL once the executor's grace period has passed.
    /// Safe to repeat; polling goes on until it has ended.
    func cancel(_ handle: CommandHandle) throws
}

/// A program to run: its argv (never through a shell), environment and working directory.
public struct SubmittedCommand: Sendable, Hashable {
    public var argv: [String]
    public var environment: [String: String]
    /// Where it runs when it has no code package (a local program only).
    public var workingDirectory: String
    /// The id it is submitted under, chosen by expctl: `expctl-<job>-<attempt>`.
    public var submissionID: String
    /// What identifies it to a later runner (`expctl_job`, `expctl_attempt`, `mlflow_run_id`).
    public var metadata: [String: String]
    public var resources: JobResources?
    /// The code it runs with, as its working directory.
    public var code: CodePackage?

    public init(
        argv: [String], environment: [String: String], workingDirectory: String, submissionID: String = "",
        metadata: [String: String] = [:], resources: JobResources? = nil, code: CodePackage? = nil
    ) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.submissionID = submissionID
        self.metadata = metadata
        self.resources = resources
        self.code = code
    }
}

/// The executor's name for a submitted program (a process id here, a submission id on a cluster).
public struct CommandHandle: Sendable, Hashable {
    public var id: String

    public init(id: String) { self.id = id }
}

public enum CommandStatus: Sendable, Hashable {
    case running
    case exited(Int32)
    case signalled(Int32)
    /// Stopped by the executor at expctl's request (a cluster's stop).
    case stopped
    /// The executor could not run it, in its own words (a cluster's runtime environment failed).
    case failed(String)
}

/// The output kept of a program: its start and its end when it printed more than the bound.
public struct CommandLogs: Sendable, Hashable {
    /// The start and the end of `text` when it is longer than `limit` bytes.
    public static func bounded(_ text: String, limit: Int) -> CommandLogs {
        let bytes = Array(text.utf8)
        guard bytes.count > limit else { return CommandLogs(text: text, totalBytes: bytes.count, truncated: false) }
        let half = limit / 2
        let skipped = bytes.count - 2 * half
        let kept = bytes.prefix(half) + Array("\n… \(skipped) bytes of output left out …\n".utf8) + bytes.suffix(half)
        return CommandLogs(text: String(decoding: kept, as: UTF8.self), totalBytes: bytes.count, truncated: true)
    }

    public var text: String
    /// Every byte it printed, kept or not.
    public var totalBytes: Int
    public var truncated: Bool

    public init(text: String, totalBytes: Int, truncated: Bool) {
        self.text = text
        self.totalBytes = totalBytes
        self.truncated = truncated
    }
}

/// Why a program could not be started.
public enum CommandLaunchError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case notExecutable(String)
    case failed(String, errno: Int32)

    public var description: String {
        switch self {
        case .notFound(let program): "the command '\(program)' was not found (not a path, nor on PATH)"
        case .notExecutable(let program):
            "the command '\(program)' is not an executable program (check its mode and its #! line)"
        case .failed(let program, let code): "cannot start '\(program)': error \(code)"
        }
    }
}
