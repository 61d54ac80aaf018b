import ArgumentParser
import ExpctlGit
import ExpctlHTTP
import ExpctlPostgres
import Foundation

/// `expctl version`: expctl's version and those of the C libraries it is linked with.
struct VersionCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the version of expctl and of the libraries it uses.")

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func execute(_ context: CommandContext) throws -> Int32 {
        let console = context.console
        let libraries: KeyValuePairs<String, String> = [
            "libgit2": GitRepository.libraryVersion,
            "libpq": PostgresLibrary.version,
            "libcurl": CurlLibrary.version,
        ]
        switch format {
        case .text:
            console.line("expctl \(ExpctlVersion.current)")
            for (name, version) in libraries { console.line("  \(name) \(version)") }
        case .json:
            var document: [String: String] = ["expctl_version": ExpctlVersion.current, "format_version": ExpctlVersion.jsonFormat]
            for (name, version) in libraries { document[name] = version }
            console.line(try JSONText.encode(document))
        }
        return ExitStatus.success
    }
}

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Stable, readable JSON for machine output: sorted keys, pretty-printed.
enum JSONText {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
