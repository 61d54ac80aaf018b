import ArgumentParser
import ExpctlGit
import ExpctlReconciler
import Foundation

/// `--repo`, `--ref`, `--path`: where the desired state is. A `--repo` URL is read through a
/// mirror under `--mirror-root`, fetched before each read.
struct SourceOptions: ParsableArguments {
    @Option(
        help: """
            The git repository: a local one, bare or not (a work tree, any directory inside it, or a .git \
            directory), or a URL (https://, ssh://, file://, git://, user@host:path) read through a mirror.
            """)
    var repo: String = "."

    @Option(help: "A branch, tag, full or abbreviated commit SHA, or HEAD. Default: the current branch.")
    var ref: String?

    @Option(help: "The directory of the desired-state tree inside the repository. Default: the root.")
    var path: String = ""

    @Option(help: "Where mirrors of --repo URLs are kept. Default: $EXPCTL_GIT_MIRROR_ROOT, else state/git.")
    var mirrorRoot: String?

    /// `path` as the git source reads it: no `./`, no trailing `/`, "" for the root.
    var normalizedPath: String { normalizedDirectory(path) }

    /// `repo` as messages and pages show it: a URL without its credentials.
    var displayedRepository: String { RemoteURL(repo)?.redacted ?? repo }

    /// The source of `repo`, `ref` and `path`: the repository where it is, or a mirror of a URL
    /// fetched (credentials from `environment`) before each load. A repository that cannot be
    /// opened is a `GitError`, kept as it is for the command line to report.
    func gitSource(_ environment: [String: String]) throws -> any DesiredStateSource {
        guard let url = RemoteURL(repo) else {
            return GitSource(repository: try GitRepository(path: repo), ref: ref, path: normalizedPath)
        }
        let mirror = try GitMirror(
            url: url, root: mirrorRoot(environment), credentials: GitCredentials(environment: environment))
        return RemoteGitSource(mirror: mirror, ref: ref, path: normalizedPath)
    }

    func load(_ environment: [String: String]) throws -> SourceSnapshot { try gitSource(environment).load() }

    /// Where mirrors are kept: `--mirror-root`, else `$EXPCTL_GIT_MIRROR_ROOT`, else `state/git`.
    func mirrorRoot(_ environment: [String: String]) -> String {
        mirrorRoot ?? environment["EXPCTL_GIT_MIRROR_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "state/git"
    }
}

/// `--allow-history-rewrite`, `--verify-signatures` and the keys: what `reconcile` and
/// `serve` ask of a commit before they apply it.
struct RevisionOptions: ParsableArguments {
    @Flag(
        help: """
            Apply a branch that no longer descends from the last applied commit (after a force-push). \
            Without it the loop stalls until a commit on top of the applied one arrives.
            """)
    var allowHistoryRewrite = false

    @Flag(help: "Refuse commits not signed by a key of --allowed-signers (SSH) or --gpg-keyring (GPG).")
    var verifySignatures = false

    @Option(help: "An OpenSSH allowed-signers file (as git's gpg.ssh.allowedSignersFile) for --verify-signatures.")
    var allowedSigners: String?

    @Option(help: "A GPG public key file (armored or binary) for --verify-signatures.")
    var gpgKeyring: String?

    func validate() throws {
        if verifySignatures && allowedSigners == nil && gpgKeyring == nil {
            throw ValidationError("--verify-signatures needs --allowed-signers FILE or --gpg-keyring FILE")
        }
        if !verifySignatures && (allowedSigners != nil || gpgKeyring != nil) {
            throw ValidationError("--allowed-signers and --gpg-keyring take effect with --verify-signatures")
        }
        // A key file that cannot be read would refuse every commit: say so before anything runs.
        for (option, file) in [("--allowed-signers", allowedSigners), ("--gpg-keyring", gpgKeyring)] {
            if let file, !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("\(option) \(file): the file does not exist or cannot be read")
            }
        }
    }

    var rules: RevisionRules {
        RevisionRules(
            fastForwardOnly: !allowHistoryRewrite,
            signatures: verifySignatures
                ? SignatureVerifier(allowedSigners: allowedSigners, gpgKeyring: gpgKeyring) : nil)
    }
}
