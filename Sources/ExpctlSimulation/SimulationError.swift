/// Why simulate wrote nothing.
public enum SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `--schema` is not a plain lowercase identifier, or is one simulate must not write to.
    case invalidSchema(String)
    /// The `exp` schema has not been created (run the migrations first).
    case eventsTableMissing
    /// Data is there already and `--replace` was not given: the tables that hold rows, and the
    /// number of events an earlier simulate wrote.
    case notEmpty(schema: String, tablesWithRows: [String], simulatedEvents: Int)

    public var description: String {
        switch self {
        case .invalidSchema(let name):
            "cannot simulate into schema '\(name)': use a lowercase name of letters, digits and underscores"
                + " (not exp, information_schema or pg_*)"
        case .eventsTableMissing:
            "exp.events does not exist: run expctl migrate first"
        case .notEmpty(let schema, let tables, let events):
            "nothing written: "
                + ([
                    tables.isEmpty
                        ? nil : "\(tables.map { "\(schema).\($0)" }.joined(separator: ", ")) already hold rows",
                    events == 0 ? nil : "exp.events holds \(events) simulated events",
                ]
                .compactMap { $0 }.joined(separator: " and "))
                + "; pass --replace to replace them"
        }
    }
}
