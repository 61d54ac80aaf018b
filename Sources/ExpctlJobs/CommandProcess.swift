import ExpctlModel
import Foundation

/// A team's program, run as a job step through a `CommandExecutor` (a local process group by
/// default): its argv, never a shell; a timeout; on timeout or cancel, the executor's stop
/// (SIGTERM to the whole group, then SIGKILL after a grace period); its output, bounded.
struct CommandProcess {
    var argv: [String]
    var environment: [String: String]
    var workingDirectory: String
    var timeoutSeconds: Double
    var graceSeconds: Double = 5
    /// The most output bytes kept (half from the start, half from the end).
    var outputLimit: Int = 1 << 20
    /// How often the driver polls.
    var pollSeconds: Double = 0.1
    /// What the executor submits it as (`SubmittedCommand`): its id, metadata, resources, code.
    var submissionID = ""
    var metadata: [String: String] = [:]
    var resources: JobResources?
    var code: CodePackage?

    typealias LaunchError = CommandLaunchError

    struct Outcome: Sendable, Hashable {
        typealias Ending = CommandStatus

        var ending: Ending
        var timedOut: Bool
        var cancelled: Bool
        var output: String
        var outputBytes: Int
        var outputTruncated: Bool
        var seconds: Double

        var succeeded: Bool { ending == .exited(0) && !timedOut && !cancelled }
    }

    /// Runs the program to its end on the local machine; `isCancelled` is polled a few times a second.
    func run(isCancelled: () -> Bool = { false }) throws -> Outcome {
        try run(on: LocalCommandExecutor(graceSeconds: graceSeconds, outputLimit: outputLimit), isCancelled: isCancelled)
    }

    /// Runs the program to its end on `executor`, or follows the earlier submission `resuming`
    /// to its end; `beforeSubmit` runs just before a submission (the ledger records it there).
    /// When cancelled while `handsOver` says the job goes on elsewhere, a program that outlives
    /// expctl (a cluster's) is left running and `JobFailure.detached` thrown.
    func run(
        on executor: any CommandExecutor, resuming: CommandHandle? = nil, beforeSubmit: () throws -> Void = {},
        isCancelled: () -> Bool = { false }, handsOver: () -> Bool = { false }
    ) throws -> Outcome {
        guard !argv.isEmpty else { throw LaunchError.notFound("") }
        let started = Date()
        let handle: CommandHandle
        if let resuming {
            handle = resuming
        } else {
            try beforeSubmit()
            handle = try executor.submit(
                SubmittedCommand(
                    argv: argv, environment: environment, workingDirectory: workingDirectory,
                    submissionID: submissionID, metadata: metadata, resources: resources, code: code))
        }
        var timedOut = false
        var cancelled = false
        var status = try executor.poll(handle)
        while status == .running {
            if !timedOut && !cancelled {
                if Date().timeIntervalSince(started) > timeoutSeconds {
                    timedOut = true
                } else if isCancelled() {
                    if executor.ledgerName != nil && handsOver() { throw JobFailure.detached }
                    cancelled = true
                }
            }
            if timedOut || cancelled { try executor.cancel(handle) }
            Thread.sleep(forTimeInterval: pollSeconds)
            status = try executor.poll(handle)
        }
        let logs = try executor.logs(handle)
        return Outcome(
            ending: status, timedOut: timedOut, cancelled: cancelled, output: logs.text, outputBytes: logs.totalBytes,
            outputTruncated: logs.truncated, seconds: Date().timeIntervalSince(started))
    }
}
