import ExpctlModel

/// The resources of one kind gathered over the tree, each name once: a second definition
/// becomes a diagnostic naming the first.
struct UniqueResources<Resource: NamedResource> {
    /// For messages: `experiment`, `policy`, `training`.
    let kind: String
    private(set) var resources: [Resource] = []
    private var positions: [String: Int] = [:]

    init(kind: String, capacity: Int = 0) {
        self.kind = kind
        resources.reserveCapacity(capacity)
        positions.reserveCapacity(capacity)
    }

    mutating func add(_ items: [Resource], diagnostics: inout [Diagnostic]) {
        for item in items {
            if let first = origin(of: item.name) {
                diagnostics.append(.definedTwice(kind, item.name, at: item.origin, first: first))
            } else {
                positions[item.name] = resources.count
                resources.append(item)
            }
        }
    }

    /// Where the kept definition of `name` is written.
    func origin(of name: String) -> SourceLocation? {
        positions[name].map { resources[$0].origin }
    }
}

extension Diagnostic {
    /// A second definition of a name, naming both places.
    static func definedTwice(_ kind: String, _ name: String, at origin: SourceLocation, first: SourceLocation) -> Diagnostic {
        Diagnostic(
            at: origin, resource: "\(kind) \(name)", field: "name",
            message: "\(kind) '\(name)' is defined twice: here and at \(first)",
            hint: "rename one of them or remove the duplicate")
    }
}
