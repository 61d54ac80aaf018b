import ExpctlDesiredState
import ExpctlGit
import ExpctlModel
import ExpctlReconciler

/// The result of `validate`, rendered as compiler-style text or as a versioned JSON document.
struct ValidationReport {
    let snapshot: SourceSnapshot
    let path: String

    private var result: LoadResult { snapshot.result }

    /// `abcdef12 (main)`: the short commit and the branch or tag it was reached by.
    var commitLabel: String {
        let short = String(snapshot.revision.commit.prefix(7))
        guard let refName = snapshot.revision.refName else { return short }
        return "\(short) (\(RefNames.short(refName)))"
    }

    var text: String {
        var output = ""
        for diagnostic in result.diagnostics {
            output += DiagnosticText.render(diagnostic)
        }
        let errors = result.diagnostics.filter { $0.severity == .error }.count
        let warnings = result.diagnostics.count - errors
        if result.isValid {
            let warningNote = warnings > 0 ? " with \(Plural.count(warnings, "warning"))" : ""
            output += "Success! The desired state at \(commitLabel) is valid\(warningNote): \(summary).\n"
        } else {
            let files = Set(result.diagnostics.map(\.location.path)).count
            var counts = Plural.count(errors, "error")
            if warnings > 0 { counts += " and " + Plural.count(warnings, "warning") }
            output += "\n\(counts) in \(Plural.count(files, "file")) at \(commitLabel).\n"
        }
        return output
    }

    /// `1 experiment, 2 variants, …, in 4 files`.
    var summary: String {
        let counts = result.state.counts
        let parts = [
            Plural.count(counts.experiments, "experiment"), Plural.count(counts.variants, "variant"),
            Plural.count(counts.policies, "policy", "policies"), Plural.count(counts.policyVersions, "policy version"),
            Plural.count(counts.trainings, "training"), Plural.count(counts.promotions, "promotion"),
        ]
        return parts.joined(separator: ", ") + " in " + Plural.count(result.fileCount, "file")
    }

    var json: Document {
        Document(
            formatVersion: ExpctlVersion.jsonFormat, valid: result.isValid, commit: snapshot.revision.commit,
            ref: snapshot.revision.refName, path: path, files: result.fileCount, counts: result.state.counts,
            errorCount: result.diagnostics.filter { $0.severity == .error }.count,
            warningCount: result.diagnostics.filter { $0.severity == .warning }.count,
            diagnostics: result.diagnostics.map(DiagnosticJSON.init))
    }

    struct Document: Encodable {
        var formatVersion: String
        var valid: Bool
        var commit: String
        var ref: String?
        var path: String
        var files: Int
        var counts: ResourceCounts
        var errorCount: Int
        var warningCount: Int
        var diagnostics: [DiagnosticJSON]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case valid, commit, ref, path, files, counts
            case errorCount = "error_count"
            case warningCount = "warning_count"
            case diagnostics
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(formatVersion, forKey: .formatVersion)
            try container.encode(valid, forKey: .valid)
            try container.encode(commit, forKey: .commit)
            try container.encode(ref, forKey: .ref)
            try container.encode(path, forKey: .path)
            try container.encode(files, forKey: .files)
            try container.encode(counts, forKey: .counts)
            try container.encode(errorCount, forKey: .errorCount)
            try container.encode(warningCount, forKey: .warningCount)
            try container.encode(diagnostics, forKey: .diagnostics)
        }
    }
}

/// One diagnostic in JSON, flat, with explicit nulls so consumers see every key.
struct DiagnosticJSON: Encodable {
    var diagnostic: Diagnostic

    enum CodingKeys: String, CodingKey {
        case severity, path, line, column, resource, field, message, hint
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(diagnostic.severity.rawValue, forKey: .severity)
        try container.encode(diagnostic.location.path, forKey: .path)
        try container.encode(diagnostic.location.line, forKey: .line)
        try container.encode(diagnostic.location.column, forKey: .column)
        try container.encode(diagnostic.resource, forKey: .resource)
        try container.encode(diagnostic.field, forKey: .field)
        try container.encode(diagnostic.message, forKey: .message)
        try container.encode(diagnostic.hint, forKey: .hint)
    }
}

/// Compiler-style text: `path:line:column: error: message [resource, field]` and a hint line.
enum DiagnosticText {
    static func render(_ diagnostic: Diagnostic) -> String {
        var text = "\(diagnostic.location): \(diagnostic.severity.rawValue): \(diagnostic.message)"
        let context = [diagnostic.resource, diagnostic.field].compactMap { $0 }
        if !context.isEmpty { text += " [\(context.joined(separator: ", "))]" }
        text += "\n"
        if let hint = diagnostic.hint { text += "    hint: \(hint)\n" }
        return text
    }
}

enum Plural {
    static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : (plural ?? singular + "s"))"
    }
}
