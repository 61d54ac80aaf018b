/// The domain relations of docs/datasets.md as tables simulate creates when they are missing,
/// with the keys and the index the dataset build reads them by. There are no foreign keys
/// between them: simulate writes them consistently, and a check per pantry row would slow the
/// load several times over.
public struct DomainSchema: Sendable, Equatable {
    /// The tables simulate fills, in the order it fills them.
    public static let tables = ["recipes", "households", "constraints", "pantry_items"]

    /// A lowercase SQL identifier (letters, digits, underscores; not `exp`, which is expctl's, nor
    /// a system schema).
    public let name: String

    public init(_ name: String) throws(SimulationError) {
        let valid =
            !name.isEmpty && name.utf8.count <= 63
            && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            && !(name.utf8.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? true)
        guard valid, name != "exp", name != "information_schema", !name.hasPrefix("pg_") else {
            throw .invalidSchema(name)
        }
        self.name = name
    }

    /// `schema.table`, quoted.
    public func qualified(_ table: String) -> String { "\"\(name)\".\"\(table)\"" }

    /// The statements that create the schema, the tables and their indexes where missing.
    public var createStatements: [String] {
        [
            "CREATE SCHEMA IF NOT EXISTS \"\(name)\"",
            """
            CREATE TABLE IF NOT EXISTS \(qualified("recipes")) (
                recipe_id         text PRIMARY KEY,
                name              text NOT NULL,
                ingredients       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(ingredients) = 'array'),
                tags              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
                allergens         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(allergens) = 'array'),
                prep_time         integer NOT NULL CHECK (prep_time > 0),
                cost_per_serving  double precision NOT NULL CHECK (cost_per_serving >= 0)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(qualified("households")) (
                household_id  text PRIMARY KEY,
                size          integer NOT NULL CHECK (size >= 1),
                region        text NOT NULL,
                preferences   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(preferences) = 'array'),
                restrictions  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(restrictions) = 'array')
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(qualified("constraints")) (
                household_id          text PRIMARY KEY,
                budget                double precision NOT NULL,
                max_prep_time         integer NOT NULL,
                excluded_ingredients  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(excluded_ingredients) = 'array')
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(qualified("pantry_items")) (
                household_id  text NOT NULL,
                name          text NOT NULL,
                quantity      double precision NOT NULL,
                unit          text NOT NULL,
                valid_from    timestamptz NOT NULL,
                valid_to      timestamptz,
                CHECK (valid_to IS NULL OR valid_to > valid_from)
            )
            """,
            """
            CREATE INDEX IF NOT EXISTS pantry_items_household_time
                ON \(qualified("pantry_items")) (household_id, valid_from)
            """,
        ]
    }
}
