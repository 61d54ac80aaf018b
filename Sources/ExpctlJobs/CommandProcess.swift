import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A team's program, run as a job step: its argv (never through a shell) in a process group of
/// its own, with a timeout; on timeout or cancel, SIGTERM to the whole group, then SIGKILL after
/// a grace period. Its stdout and stderr, merged, are kept up to a bound: the first and the last
/// part, with how much was left out in between.
struct CommandProcess {
    var argv: [String]
    var environment: [String: String]
    var workingDirectory: String
    var timeoutSeconds: Double
    var graceSeconds: Double = 5
    /// The most output bytes kept (half from the start, half from the end).
    var outputLimit: Int = 1 << 20

    struct Outcome: Sendable, Hashable {
        enum Ending: Sendable, Hashable {
            case exited(Int32)
            case signalled(Int32)
        }

        var ending: Ending
        var timedOut: Bool
        var cancelled: Bool
        var output: String
        var outputBytes: Int
        var outputTruncated: Bool
        var seconds: Double

        var succeeded: Bool { ending == .exited(0) && !timedOut && !cancelled }
    }

    enum LaunchError: Error, Equatable, CustomStringConvertible {
        case notFound(String)
        case notExecutable(String)
        case failed(String, errno: Int32)

        var description: String {
            switch self {
            case .notFound(let program): "the command '\(program)' was not found (not a path, nor on PATH)"
            case .notExecutable(let program):
                "the command '\(program)' is not an executable program (check its mode and its #! line)"
            case .failed(let program, let code): "cannot start '\(program)': \(String(cString: strerror(code)))"
            }
        }
    }

    /// Runs the program to its end; `isCancelled` is polled a few times a second.
    func run(isCancelled: () -> Bool = { false }) throws -> Outcome {
        guard let program = argv.first else { throw LaunchError.notFound("") }
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw LaunchError.failed(program, errno: errno) }
        let (readEnd, writeEnd) = (pipe[0], pipe[1])
        let pid: pid_t
        do {
            pid = try spawn(program, output: writeEnd, closing: readEnd)
        } catch {
            close(readEnd)
            close(writeEnd)
            throw error
        }
        close(writeEnd)
        defer { close(readEnd) }
        let started = Date()
        var output = BoundedOutput(limit: outputLimit)
        var timedOut = false
        var cancelled = false
        var terminatedAt: Date?
        var status: Int32 = 0
        var exited = false
        var open = true
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !exited || open {
            if open {
                var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
                if poll(&descriptor, 1, 200) > 0 {
                    let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                    if count > 0 { output.append(buffer[0..<count]) } else if count == 0 { open = false }
                }
            } else {
                usleep(50_000)
            }
            if !exited, waitpid(pid, &status, WNOHANG) == pid { exited = true }
            let elapsed = Date().timeIntervalSince(started)
            if !exited, terminatedAt == nil {
                if elapsed > timeoutSeconds { timedOut = true } else if isCancelled() { cancelled = true }
                if timedOut || cancelled {
                    kill(-pid, SIGTERM)
                    terminatedAt = Date()
                }
            }
            if !exited, let terminatedAt, Date().timeIntervalSince(terminatedAt) > graceSeconds {
                kill(-pid, SIGKILL)
            }
            // Children of the program that keep the pipe open do not hold the job once it ended.
            if exited, open, let terminatedAt, Date().timeIntervalSince(terminatedAt) > graceSeconds { open = false }
            if exited, open, terminatedAt == nil, Date().timeIntervalSince(started) > timeoutSeconds {
                kill(-pid, SIGKILL)
                open = false
            }
        }
        // Whatever is left of the group goes with it.
        if terminatedAt != nil { kill(-pid, SIGKILL) }
        let ending: Outcome.Ending = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        return Outcome(
            ending: ending, timedOut: timedOut, cancelled: cancelled, output: output.text, outputBytes: output.total,
            outputTruncated: output.total > outputLimit, seconds: Date().timeIntervalSince(started))
    }

    /// posix_spawn in a new process group, stdout and stderr to `output`, stdin from /dev/null.
    private func spawn(_ program: String, output: Int32, closing other: Int32) throws -> pid_t {
        if program.contains("/") {
            var facts = stat()
            guard stat(program, &facts) == 0 else { throw LaunchError.notFound(program) }
            // By its mode bits: for root, access(X_OK) holds for any file.
            guard facts.st_mode & S_IFMT == S_IFREG, facts.st_mode & 0o111 != 0 else {
                throw LaunchError.notExecutable(program)
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        posix_spawn_file_actions_addclose(&actions, other)
        _ = spawnFileActionsAddChdir(&actions, workingDirectory)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own, to signal it whole; default signal handling and an empty mask,
        // whatever this process blocks or ignores (a child would inherit both).
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        let environmentLines = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStrings(argv) { arguments in
            withCStrings(environmentLines) { environment in
                posix_spawnp(&pid, program, &actions, &attributes, arguments, environment)
            }
        }
        switch code {
        case 0: return pid
        case ENOENT: throw LaunchError.notFound(program)
        case EACCES, ENOEXEC: throw LaunchError.notExecutable(program)
        default: throw LaunchError.failed(program, errno: code)
        }
    }
}

/// The start and the end of a stream too long to keep whole.
private struct BoundedOutput {
    let limit: Int
    private(set) var head: [UInt8] = []
    private(set) var tail: [UInt8] = []
    private(set) var total = 0

    init(limit: Int) { self.limit = limit }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        total += bytes.count
        let half = limit / 2
        let intoHead = min(bytes.count, max(0, half - head.count))
        head.append(contentsOf: bytes.prefix(intoHead))
        tail.append(contentsOf: bytes.dropFirst(intoHead))
        if tail.count > half * 2 { tail.removeFirst(tail.count - half) }
    }

    var text: String {
        let kept = tail.count > limit / 2 ? Array(tail.suffix(limit / 2)) : tail
        let skipped = total - head.count - kept.count
        let middle = skipped > 0 ? Array("\n… \(skipped) bytes of output left out …\n".utf8) : []
        return String(decoding: head + middle + kept, as: UTF8.self)
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which its headers declare
/// only under `_GNU_SOURCE`, so Swift does not import it.
@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func spawnFileActionsAddChdir(
    _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>
) -> Int32

/// Calls `body` with a NULL-terminated C array of the strings, valid during the call.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return body(copies + [nil])
}
