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
            snapshot = try source.load(context.environment)
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
