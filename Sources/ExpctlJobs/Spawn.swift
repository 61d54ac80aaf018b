import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// posix_spawn of a command in a new process group, with default signal handling and an empty
/// signal mask (whatever this process blocks or ignores, a child would inherit), stdout and
/// stderr to `output`, stdin from /dev/null, in its working directory.
enum Spawn {
    static func process(_ command: SubmittedCommand, output: Int32, closing other: Int32) throws -> pid_t {
        let program = command.argv[0]
        if program.contains("/") {
            var facts = stat()
            guard stat(program, &facts) == 0 else { throw CommandLaunchError.notFound(program) }
            // By its mode bits: for root, access(X_OK) holds for any file.
            guard facts.st_mode & S_IFMT == S_IFREG, facts.st_mode & 0o111 != 0 else {
                throw CommandLaunchError.notExecutable(program)
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        posix_spawn_file_actions_addclose(&actions, other)
        _ = spawnFileActionsAddChdir(&actions, command.workingDirectory)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        let environmentLines = command.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let code = withCStrings(command.argv) { arguments in
            withCStrings(environmentLines) { environment in
                posix_spawnp(&pid, program, &actions, &attributes, arguments, environment)
            }
        }
        switch code {
        case 0: return pid
        case ENOENT: throw CommandLaunchError.notFound(program)
        case EACCES, ENOEXEC: throw CommandLaunchError.notExecutable(program)
        default: throw CommandLaunchError.failed(program, errno: code)
        }
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
