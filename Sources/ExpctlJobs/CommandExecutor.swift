/// The runner port for a team's program: where it runs is the executor's business (a local
/// process group here; a cluster's jobs API in a later release), how long it may run and when
/// it is stopped is the driver's (`CommandProcess`).
public protocol CommandExecutor: AnyObject {
    /// Starts `command`; returns at once.
    func submit(_ command: SubmittedCommand) throws -> CommandHandle
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
    public var workingDirectory: String

    public init(argv: [String], environment: [String: String], workingDirectory: String) {
        self.argv = argv
        self.environment = environment
        self.workingDirectory = workingDirectory
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
}

/// The output kept of a program: its start and its end when it printed more than the bound.
public struct CommandLogs: Sendable, Hashable {
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
