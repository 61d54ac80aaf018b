/// What can go wrong building or reading a dataset, each with the fix in its message.
public enum DatasetBuildError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name would leave the dataset store, or is not a folder name at all.
    case pathEscapesStore(name: String, root: String)
    case invalidDeclaration(String)
    /// A line of the COPY stream did not have the query's columns.
    case malformedCopyLine(String)
    /// A folder of the store holds something that is not a complete dataset.
    case unreadableDataset(name: String, reason: String)
    /// The folder exists with other inputs, or the same inputs built different rows.
    case conflictingDataset(name: String, reason: String)
    case fileSystem(path: String, reason: String)
    /// Relations of the domain schema that do not exist.
    case missingDomainViews(schema: String, missing: [String])

    public var description: String {
        switch self {
        case .pathEscapesStore(let name, let root):
            "dataset '\(name)' is not a folder inside the dataset store \(root); "
                + "use a relative path without '..', e.g. planner/2025-01-10"
        case .invalidDeclaration(let reason): "invalid dataset declaration: \(reason)"
        case .malformedCopyLine(let reason): "unexpected row from PostgreSQL while building the dataset: \(reason)"
        case .unreadableDataset(let name, let reason):
            "dataset \(name) in the store is not readable: \(reason); rebuild it (delete the folder first)"
        case .conflictingDataset(let name, let reason): "dataset \(name) conflicts with the store: \(reason)"
        case .fileSystem(let path, let reason): "cannot write \(path): \(reason)"
        case .missingDomainViews(let schema, let missing):
            "the domain schema \(schema) lacks \(missing.map { "\(schema).\($0)" }.joined(separator: ", ")): "
                + "create them as tables or views (docs/datasets.md), or name another domain_schema"
        }
    }
}
