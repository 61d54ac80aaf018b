import ArgumentParser
import ExpctlDesiredState
import ExpctlGit
import ExpctlModel
import ExpctlReconciler

/// `expctl validate`: reads the desired state at a ref and reports every problem.
struct ValidateCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the desired state at a git ref and report every problem with file and line.",
        discussion: """
            Reads every *.yaml and *.yml file under --path from the commit that --ref names, \
            without a checkout. Exits 0 when the desired state is valid, 1 when it is not or \
            when the repository or ref cannot be read.
            """)

    @OptionGroup var source: SourceOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func execute(_ context: CommandContext) throws -> Int32 {
        let console = context.console
        let snapshot: SourceSnapshot
        do {
            snapshot = try source.load()
        } catch where format == .json {
            // Bots parse standard output: they get a document saying why there is no result.
            console.line(try JSONText.encode(ReadFailure(error: ErrorReport(error).message)))
            throw error
        }
        let report = ValidationReport(snapshot: snapshot, path: source.normalizedPath)
        switch format {
        case .text: console.write(report.text)
        case .json: console.line(try JSONText.encode(report.json))
        }
        return snapshot.result.isValid ? ExitStatus.success : ExitStatus.failure
    }
}

/// Where the desired state is read from: shared by every command that reads it.
struct SourceOptions: ParsableArguments {
    @Option(help: "The git repository, bare or not (a work tree, any directory inside it, or a .git directory).")
    var repo: String = "."

    @Option(help: "A branch, tag, full or abbreviated commit SHA, or HEAD. Default: the current branch.")
    var ref: String?

    @Option(help: "The directory of the desired-state tree inside the repository. Default: the root.")
    var path: String = ""

    /// `path` as the git source reads it: no `./`, no trailing `/`, "" for the root.
    var normalizedPath: String { normalizedDirectory(path) }

    /// The git source of `repo`, `ref` and `path`; a repository that cannot be opened is a
    /// `GitError`, kept as it is for the command line to report.
    func gitSource() throws -> GitSource {
        GitSource(repository: try GitRepository(path: repo), ref: ref, path: normalizedPath)
    }

    func load() throws -> SourceSnapshot { try gitSource().load() }
}

/// The JSON document for a tree that could not be read at all.
struct ReadFailure: Encodable {
    var formatVersion = ExpctlVersion.jsonFormat
    var valid = false
    var error: String

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case valid, error
    }
}
