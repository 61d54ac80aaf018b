/// What a column holds, and so how it is stored: its Parquet physical type and annotations.
public enum ParquetColumnType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// UTF-8 text: BYTE_ARRAY annotated STRING (converted type UTF8). Arrow reads `string`.
    case string
    /// JSON text, never validated as JSON: BYTE_ARRAY annotated JSON. Arrow reads `arrow.json`.
    case json
    case int64
    case double
    case boolean
    /// Microseconds since 1970-01-01T00:00:00Z: INT64 annotated TIMESTAMP(isAdjustedToUTC, MICROS).
    /// Arrow reads `timestamp[us, tz=UTC]`.
    case timestamp

    public var description: String { rawValue }
}

/// One flat column: a name, a type, and whether it may hold nulls (OPTIONAL) or not (REQUIRED).
public struct ParquetColumn: Sendable, Hashable {
    public var name: String
    public var type: ParquetColumnType
    public var isOptional: Bool

    public init(_ name: String, _ type: ParquetColumnType, optional: Bool = false) {
        self.name = name
        self.type = type
        self.isOptional = optional
    }

    /// A column that never holds a null.
    public static func required(_ name: String, _ type: ParquetColumnType) -> ParquetColumn {
        ParquetColumn(name, type, optional: false)
    }

    /// A column that may hold nulls.
    public static func optional(_ name: String, _ type: ParquetColumnType) -> ParquetColumn {
        ParquetColumn(name, type, optional: true)
    }
}
