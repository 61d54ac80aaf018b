import ArgumentParser
import Foundation

/// The service's secrets, from a file an option names or else from the environment; never
/// from the command line, where every user of the machine can read them in `ps`.
struct ServiceSecrets {
    var webhookSecret: String?
    var apiTokens: [String]
    var statusToken: String?

    init(environment: [String: String], webhookSecretFile: String?, apiTokenFile: String?, statusTokenFile: String?)
        throws
    {
        webhookSecret = try Self.lines(file: webhookSecretFile, variable: "EXPCTL_WEBHOOK_SECRET", environment).first
        apiTokens = try Self.lines(file: apiTokenFile, variable: "EXPCTL_API_TOKEN", environment)
        statusToken = try Self.lines(file: statusTokenFile, variable: "EXPCTL_STATUS_TOKEN", environment).first
        for token in apiTokens + [webhookSecret, statusToken].compactMap({ $0 }) where token.utf8.count < 16 {
            _ = token
            throw ValidationError("a secret or token must be at least 16 characters; one given is shorter")
        }
    }

    /// The non-empty lines of `file`, or of the variable (several tokens separated by commas).
    private static func lines(file: String?, variable: String, _ environment: [String: String]) throws -> [String] {
        let text: String
        if let file {
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
        } else {
            text = environment[variable]?.replacingOccurrences(of: ",", with: "\n") ?? ""
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }
}
