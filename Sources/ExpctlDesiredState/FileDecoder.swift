public import ExpctlModel
import ExpctlYAML

/// Decodes one desired-state file into a `FileFragment`.
///
/// A file is a mapping whose top-level keys are any of `experiments`, `policies`, `training`,
/// `datasets`, `promotions` (lists) and `gates` (a mapping, or a list of named profiles). Files larger than `maxFileSize` are refused
/// before they are parsed.
public enum FileDecoder {
    public static let maxFileSize = 1 << 20
    public static let topLevelKeys = ["experiments", "policies", "training", "datasets", "promotions", "gates"]

    /// Decodes the bytes of the file at `path` (relative to the repository root).
    public static func decode(path: String, bytes: UnsafeBufferPointer<UInt8>) -> FileFragment {
        guard bytes.count <= maxFileSize else {
            return FileFragment(path: path, diagnostics: [oversizeDiagnostic(path: path, size: bytes.count)])
        }
        let root: YAMLNode?
        do {
            root = try YAML.parse(bytes)
        } catch {
            return FileFragment(path: path, diagnostics: [yamlDiagnostic(error, path: path)])
        }
        guard let root else { return FileFragment(path: path) }
        let context = DecodeContext(path: path)
        guard
            let file = MappingReader(
                root, allowed: topLevelKeys, context: context, scope: Scope(resource: nil),
                what: "a desired-state file (top-level keys: \(topLevelKeys.joined(separator: ", ")))")
        else {
            return FileFragment(path: path, diagnostics: context.diagnostics)
        }
        var undecoded: [DeclaredName] = []
        let experiments = decodeList(file, "experiments", kind: "experiment", undecoded: &undecoded) {
            ExperimentDecoder.decode($0, index: $1, context: context)
        }
        let policies = decodeList(file, "policies", kind: "policy", undecoded: &undecoded) {
            PolicyDecoder.decode($0, index: $1, context: context)
        }
        let trainings = decodeList(file, "training", kind: "training", undecoded: &undecoded) {
            TrainingDecoder.decode($0, index: $1, context: context)
        }
        let datasets = decodeList(file, "datasets", kind: "dataset", undecoded: &undecoded) {
            DatasetDecoder.decode($0, index: $1, context: context)
        }
        let promotions = decodeList(file, "promotions", kind: nil, undecoded: &undecoded) {
            PromotionDecoder.decode($0, index: $1, context: context)
        }
        let gateProfiles =
            file.optional("gates").map {
                GatesDecoder.decodeProfiles($0, context: context, undecoded: &undecoded)
            } ?? []
        return FileFragment(
            path: path, experiments: experiments, policies: policies, trainings: trainings, datasets: datasets,
            promotions: promotions, gateProfiles: gateProfiles, references: context.references,
            undecodedNames: undecoded, declarations: context.declarations, diagnostics: context.diagnostics)
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
    /// (of named `kind`s) go to `undecoded`.
    private static func decodeList<Resource>(
        _ file: MappingReader, _ key: String, kind: String?, undecoded: inout [DeclaredName],
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
                undecoded.append(
                    DeclaredName(kind: kind, name: scalar.text, location: file.context.location(nameNode.mark)))
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
