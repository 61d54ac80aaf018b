import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs programs on this machine: each in a process group of its own (posix_spawn, default
/// signal handling, an empty signal mask, stdin from /dev/null), its stdout and stderr read by a
/// thread into a bounded buffer. A stop is SIGTERM to the group, SIGKILL after `graceSeconds`;
/// whatever of the group outlives the program is killed once it has ended. A command with a
/// code package runs in a folder of its files, removed once it has ended.
final class LocalCommandExecutor: CommandExecutor, @unchecked Sendable {
    let graceSeconds: Double
    let outputLimit: Int
    private let codeSource: (any CodeSource)?
    private let lock = NSLock()
    private var processes: [String: LocalProcess] = [:]
    private var codeFolders: [String: URL] = [:]

    init(graceSeconds: Double = 5, outputLimit: Int = 1 << 20, code: (any CodeSource)? = nil) {
        self.graceSeconds = graceSeconds
        self.outputLimit = outputLimit
        self.codeSource = code
    }

    /// Local programs die with expctl: there is nothing to re-attach to.
    var ledgerName: String? { nil }

    var pollSeconds: Double { 0.1 }

    func programPath(forLocal path: String) -> String { path }

    func outputDirectory(job: String) throws -> (program: String, local: URL?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-job-\(job)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (folder.path, folder)
    }

    func attach(_ submissionID: String, job: String) throws -> CommandHandle? { nil }

    func submit(_ command: SubmittedCommand) throws -> CommandHandle {
        var command = command
        var codeFolder: URL?
        if let code = command.code {
            guard let codeSource else {
                throw JobFailure.failed("the job's code cannot be read: no repository is open")
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "expctl-code-\(command.submissionID.isEmpty ? UUID().uuidString : command.submissionID)")
            try? FileManager.default.removeItem(at: folder)
            try code.materialize(into: folder, from: codeSource)
            command.workingDirectory = folder.path
            codeFolder = folder
        }
        let process: LocalProcess
        do {
            process = try LocalProcess(command, outputLimit: outputLimit)
        } catch {
            if let codeFolder { try? FileManager.default.removeItem(at: codeFolder) }
            throw error
        }
        let handle = CommandHandle(id: String(process.pid))
        lock.lock()
        processes[handle.id] = process
        codeFolders[handle.id] = codeFolder
        lock.unlock()
        return handle
    }

    func poll(_ handle: CommandHandle) throws -> CommandStatus {
        try process(handle).poll(grace: graceSeconds)
    }

    func logs(_ handle: CommandHandle) throws -> CommandLogs {
        let process = try process(handle)
        let logs = process.output.logs
        if process.isFinished {
            lock.lock()
            processes[handle.id] = nil
            let folder = codeFolders.removeValue(forKey: handle.id)
            lock.unlock()
            if let folder { try? FileManager.default.removeItem(at: folder) }
        }
        return logs
    }

    func cancel(_ handle: CommandHandle) throws {
        try process(handle).stop()
    }

    private func process(_ handle: CommandHandle) throws -> LocalProcess {
        lock.lock()
        defer { lock.unlock() }
        guard let process = processes[handle.id] else {
            throw CommandLaunchError.failed("process \(handle.id)", errno: ESRCH)
        }
        return process
    }
}

/// One spawned program and the thread reading its output.
private final class LocalProcess: @unchecked Sendable {
    let pid: pid_t
    let output: BoundedOutput
    private let readEnd: Int32
    private let lock = NSLock()
    private var status: CommandStatus = .running
    private var exitedAt: Date?
    private var stopRequestedAt: Date?
    private var readerDone = false
    private var abandonReading = false

    init(_ command: SubmittedCommand, outputLimit: Int) throws {
        guard let program = command.argv.first else { throw CommandLaunchError.notFound("") }
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw CommandLaunchError.failed(program, errno: errno) }
        do {
            pid = try Spawn.process(command, output: pipe[1], closing: pipe[0])
        } catch {
            close(pipe[0])
            close(pipe[1])
            throw error
        }
        close(pipe[1])
        readEnd = pipe[0]
        output = BoundedOutput(limit: outputLimit)
        Thread.detachNewThread { [self] in read() }
    }

    var isFinished: Bool {
        lock.lock()
        defer { lock.unlock() }
        return status != .running && readerDone
    }

    func stop() {
        lock.lock()
        let first = stopRequestedAt == nil && exitedAt == nil
        if first { stopRequestedAt = Date() }
        lock.unlock()
        if first { kill(-pid, SIGTERM) }
    }

    /// Collects the exit status, escalates a stop to SIGKILL after the grace period, and reports
    /// the end only once the output has been read to its end (or abandoned to leftover children).
    func poll(grace: Double) -> CommandStatus {
        lock.lock()
        defer { lock.unlock() }
        if exitedAt == nil {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                exitedAt = Date()
                status = (raw & 0x7f) == 0 ? .exited((raw >> 8) & 0xff) : .signalled(raw & 0x7f)
            } else if let stopRequestedAt, Date().timeIntervalSince(stopRequestedAt) > grace {
                kill(-pid, SIGKILL)
            }
        }
        guard let exitedAt else { return .running }
        if !readerDone {
            // Children of the program that keep the pipe open do not hold the job once it ended.
            if stopRequestedAt != nil || Date().timeIntervalSince(exitedAt) > grace {
                kill(-pid, SIGKILL)
                abandonReading = true
            }
            return .running
        }
        if stopRequestedAt != nil { kill(-pid, SIGKILL) }
        return status
    }

    private func read() {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            lock.lock()
            let abandon = abandonReading
            lock.unlock()
            if abandon { break }
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            guard Glibc.poll(&descriptor, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 { output.append(buffer[0..<count]) } else { break }
        }
        close(readEnd)
        lock.lock()
        readerDone = true
        lock.unlock()
    }
}

/// The start and the end of a stream too long to keep whole; appended from the reading thread.
private final class BoundedOutput: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var total = 0

    init(limit: Int) { self.limit = limit }

    func append(_ bytes: ArraySlice<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        total += bytes.count
        let half = limit / 2
        let intoHead = min(bytes.count, max(0, half - head.count))
        head.append(contentsOf: bytes.prefix(intoHead))
        tail.append(contentsOf: bytes.dropFirst(intoHead))
        if tail.count > half * 2 { tail.removeFirst(tail.count - half) }
    }

    var logs: CommandLogs {
        lock.lock()
        defer { lock.unlock() }
        let kept = tail.count > limit / 2 ? Array(tail.suffix(limit / 2)) : tail
        let skipped = total - head.count - kept.count
        let middle = skipped > 0 ? Array("\n… \(skipped) bytes of output left out …\n".utf8) : []
        return CommandLogs(
            text: String(decoding: head + middle + kept, as: UTF8.self), totalBytes: total, truncated: total > limit)
    }
}
