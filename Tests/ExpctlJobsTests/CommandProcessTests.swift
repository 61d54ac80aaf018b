import Foundation
import Testing

@testable import ExpctlJobs

private func run(
    _ argv: [String], timeout: Double = 30, grace: Double = 1, limit: Int = 1 << 20,
    environment: [String: String] = ["PATH": "/usr/bin:/bin"], cancelled: @escaping () -> Bool = { false }
)
    throws -> CommandProcess.Outcome
{
    try CommandProcess(
        argv: argv, environment: environment, workingDirectory: NSTemporaryDirectory(), timeoutSeconds: timeout,
        graceSeconds: grace, outputLimit: limit
    ).run(isCancelled: cancelled)
}

/// Running, and not a zombie that nobody reaps (a container's init may not).
private func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    return !stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}

@Suite("Running a team's command")
struct CommandProcessTests {
    @Test func theOutputAndTheExitStatusComeBackAndNoShellIsInvolved() throws {
        let outcome = try run(["/bin/echo", "$HOME; rm -rf /", "two"])
        #expect(outcome.succeeded)
        #expect(outcome.output == "$HOME; rm -rf / two\n")
        let failing = try run(["/bin/sh", "-c", "echo to stderr >&2; exit 3"])
        #expect(failing.ending == .exited(3))
        #expect(!failing.succeeded)
        #expect(failing.output == "to stderr\n")
    }

    @Test func itRunsInTheWorkingDirectoryWithOnlyTheEnvironmentGiven() throws {
        let outcome = try run(["/bin/sh", "-c", "pwd; echo \"$GIVEN|$HOME\""], environment: ["GIVEN": "yes"])
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(
            URL(fileURLWithPath: lines[0]).resolvingSymlinksInPath().path
                == URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path)
        #expect(lines[1] == "yes|")
    }

    @Test func aCommandThatDoesNotExistIsAClearError() {
        #expect(throws: CommandProcess.LaunchError.notFound("no-such-trainer-xyz")) {
            try run(["no-such-trainer-xyz", "--epochs", "3"])
        }
        #expect(throws: CommandProcess.LaunchError.notFound("/nonexistent/train.py")) {
            try run(["/nonexistent/train.py"])
        }
        #expect(throws: CommandProcess.LaunchError.notExecutable("/etc/hostname")) { try run(["/etc/hostname"]) }
    }

    @Test func aTimeoutKillsTheWholeProcessGroup() throws {
        // The child ignores SIGTERM; its background grandchild would outlive a kill of the child alone.
        let script = "trap '' TERM; sleep 60 & echo $!; wait"
        let started = Date()
        let outcome = try run(["/bin/sh", "-c", script], timeout: 1, grace: 1)
        #expect(outcome.timedOut)
        #expect(outcome.ending == .signalled(SIGKILL))
        #expect(Date().timeIntervalSince(started) < 10)
        let grandchild = try #require(Int32(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        usleep(200_000)
        #expect(!isAlive(grandchild))
    }

    @Test func aCancelStopsItWithSIGTERM() throws {
        let started = Date()
        let outcome = try run(["/bin/sleep", "60"], cancelled: { Date().timeIntervalSince(started) > 0.5 })
        #expect(outcome.cancelled)
        #expect(outcome.ending == .signalled(SIGTERM))
        #expect(outcome.seconds < 10)
    }

    @Test func anOutputFloodIsBoundedKeepingTheStartAndTheEnd() throws {
        let script = "echo FIRST; head -c 20000000 /dev/zero | tr '\\0' x; echo; echo LAST"
        let outcome = try run(["/bin/sh", "-c", script], limit: 64 << 10)
        #expect(outcome.succeeded)
        #expect(outcome.outputTruncated)
        #expect(outcome.outputBytes > 20_000_000)
        #expect(outcome.output.hasPrefix("FIRST\n"))
        #expect(outcome.output.hasSuffix("LAST\n"))
        #expect(outcome.output.utf8.count < 70 << 10)
        #expect(outcome.output.contains("bytes of output left out"))
    }
}
