public import ExpctlModel
import ExpctlYAML

/// Decodes one desired-state file into a `FileFragment`.
///
/// A file is a mapping whose top-level keys are any of `experiments`, `policies`, `training`,
/// `promotions` (lists) and `gates` (a mapping). Files larger than `maxFileSize` are refused
/// before they are parsed.
public enum FileDecoder {
    public static let maxFileSize = 1 << 20
    public static let topLevelKeys = ["experiments", "policies", "training", "promotions", "gates"]

    /// Decodes the bytes of the file at `path` (relative to the repository root).
    public static func decode(path: String, bytes: UnsafeBufferPointer<UInt8>) -> FileFragment {
        let context = DecodeContext(path: path)
        var fragment = FileFragment(path: path)
        guard bytes.count <= maxFileSize else {
            fragment.diagnostics = [oversizeDiagnostic(path: path, size: bytes.count)]
            return fragment
        }
        let root: YAMLNode?
        do {
            root = try YAML.parse(bytes)
        } catch {
            fragment.diagnostics = [yamlDiagnostic(error, path: path)]
            return fragment
        }
        guard let root else { return fragment }
        let scope = Scope(resource: nil)
        guard let file = MappingReader(
            root, allowed: topLevelKeys, context: context, scope: scope,
            what: "a desired-state file (top-level keys: \(topLevelKeys.joined(separator: ", ")))")
        else {
            fragment.diagnostics = context.diagnostics
            return fragment
        }
        fragment.experiments = decodeList(file, "experiments", kind: "experiment", into: &fragment) {
            ExperimentDecoder.decode($0, index: $1, context: context)
        }
        fragment.policies = decodeList(file, "policies", kind: "policy", into: &fragment) {
            PolicyDecoder.decode($0, index: $1, context: context)
        }
        fragment.trainings = decodeList(file, "training", kind: "training", into: &fragment) {
            TrainingDecoder.decode($0, index: $1, context: context)
        }
        fragment.promotions = decodeList(file, "promotions", kind: nil, into: &fragment) {
            PromotionDecoder.decode($0, index: $1, context: context)
        }
        if let gates = file.optional("gates") {
            fragment.gatesLocation = context.location(gates.mark)
            fragment.gates = GatesDecoder.decode(gates, context: context)
        }
        fragment.references = context.references
        fragment.declarations = context.declarations
        fragment.diagnostics = context.diagnostics
        return fragment
    }

    public static func decode(path: String, text: String) -> FileFragment {
        var text = text
        return text.withUTF8 { decode(path: path, bytes: $0) }
    }

    /// The diagnostic for a file over the size limit, given without reading it.
    public static func oversizeDiagnostic(path: String, size: Int) -> Diagnostic {
        Diagnostic(
            .error, at: SourceLocation(path: path, line: 1, column: 1),
            message: "file is \(size) bytes, over the limit of \(maxFileSize) bytes (1 MiB)",
            hint: "split the resources over several smaller files")
    }

    /// The decoded items of a top-level list; the valid names of items that fail to decode
    /// (of named `kind`s) go to `undecodedNames`.
    private static func decodeList<Resource>(
        _ file: MappingReader, _ key: String, kind: String?, into fragment: inout FileFragment,
        _ decodeItem: (YAMLNode, Int) -> Resource?
    ) -> [Resource] {
        guard let items = file.sequence(key) else { return [] }
        var resources: [Resource] = []
        resources.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let resource = decodeItem(item, index) {
                resources.append(resource)
            } else if let kind, let nameNode = item["name"], case .scalar(let scalar) = nameNode.value,
                ResourceName.isValid(scalar.text)
            {
                fragment.undecodedNames.append(DeclaredName(
                    kind: kind, name: scalar.text,
                    location: SourceLocation(path: fragment.path, line: nameNode.mark.line, column: nameNode.mark.column)))
            }
        }
        return resources
    }

    private static func yamlDiagnostic(_ error: YAMLError, path: String) -> Diagnostic {
        let prefix: String
        switch error.kind {
        case .invalidUTF8: prefix = "file is not valid UTF-8: "
        case .syntax, .duplicateKey, .tooDeep, .aliasExpansion, .unsupported: prefix = "YAML: "
        }
        return Diagnostic(
            .error, at: SourceLocation(path: path, line: error.mark.line, column: error.mark.column),
            message: prefix + error.message, hint: error.hint)
    }
}
