import ExpctlModel
import ExpctlYAML

/// Decodes and checks one entry of `datasets`: a folder of the dataset store whose every
/// component is a portable name, a window of events that is not empty, a validation share in
/// [0, 1) and a domain schema that is a plain SQL identifier.
enum DatasetDecoder {
    static let fields = ["name", "description", "task", "since", "until", "validation_share", "seed", "domain_schema"]

    static func decode(_ node: YAMLNode, index: Int, context: DecodeContext) -> DatasetConfig? {
        let scope = Scope(resource: Scope.resourceLabel("dataset", node, index: index))
        guard let reader = MappingReader(node, allowed: fields, context: context, scope: scope, what: "a dataset")
        else { return nil }
        let name = folderName(reader, context: context, scope: scope)
        if let name { context.declarations.datasets.insert(name) }
        _ = reader.string("description", required: false)
        let task = reader.name("task")
        let since = requiredTimestamp(reader, "since", context: context, scope: scope)
        let until = requiredTimestamp(reader, "until", context: context, scope: scope)
        if let since, let until, until <= since {
            context.error(
                at: reader.mark(of: "until"), scope, field: "until", "until (\(until)) is not after since (\(since))",
                hint: "the window is [since, until): give an until later than since")
        }
        let share = validationShare(reader, context: context, scope: scope)
        let seed = reader.integer("seed", required: false)
        if let seed, seed < 0 {
            context.error(at: reader.mark(of: "seed"), scope, field: "seed", "seed must be 0 or more, found \(seed)")
        }
        let schema = domainSchema(reader, context: context, scope: scope)
        guard let name, let task, let since, let until, until > since, let share, (seed ?? 0) >= 0, let schema
        else { return nil }
        return DatasetConfig(
            name: name, task: task, since: since, until: until, validationShare: share, seed: seed ?? 0,
            domainSchema: schema, origin: context.location(reader.mark(of: "name")))
    }

    /// The dataset store's folder rules, and each component a portable name (it becomes an
    /// MLflow dataset name and a job name).
    private static func folderName(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> String? {
        guard let folder = TrainingDecoder.datasetFolder(reader, "name", context: context, scope: scope) else {
            return nil
        }
        let invalid = folder.split(separator: "/").map(String.init).filter { !ResourceName.isValid($0) }
        guard invalid.isEmpty else {
            context.error(
                at: reader.mark(of: "name"), scope, field: "name",
                "dataset name '\(folder)' has a component that is not a portable name: \(invalid.joined(separator: ", "))",
                hint: "use lower-case letters, digits, '_', '.' and '-' in each component, e.g. planner/2025-01-10")
            return nil
        }
        return folder
    }

    private static func requiredTimestamp(
        _ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope
    ) -> Timestamp? {
        guard reader.required(key) != nil else { return nil }
        return reader.timestamp(key)
    }

    private static func validationShare(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> Double? {
        guard reader.optional("validation_share") != nil else { return DatasetConfig.defaultValidationShare }
        guard let share = reader.number("validation_share") else { return nil }
        guard share >= 0, share < 1 else {
            context.error(
                at: reader.mark(of: "validation_share"), scope, field: "validation_share",
                "validation_share must be at least 0 and below 1, found \(reader.rawText("validation_share"))",
                hint: "e.g. 0.1 holds out a tenth of the rows for validation")
            return nil
        }
        return share
    }

    private static func domainSchema(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> String? {
        guard let schema = reader.string("domain_schema", required: false) else {
            return reader.optional("domain_schema") == nil ? DatasetConfig.defaultDomainSchema : nil
        }
        guard isPlainIdentifier(schema) else {
            context.error(
                at: reader.mark(of: "domain_schema"), scope, field: "domain_schema",
                "domain_schema '\(schema)' is not a plain SQL identifier",
                hint: "name the schema of the domain views in lower case, e.g. app")
            return nil
        }
        return schema
    }

    /// `^[a-z_][a-z0-9_]{0,62}$`: needs no quoting in SQL.
    private static func isPlainIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func isLetter(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
        }
        guard let first = bytes.first, bytes.count <= 63, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) }
    }
}
