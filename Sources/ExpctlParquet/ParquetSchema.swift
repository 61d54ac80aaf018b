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

/// The codes parquet.thrift gives each column type.
extension ParquetColumnType {
    /// `Type`: BOOLEAN 0, INT64 2, DOUBLE 5, BYTE_ARRAY 6.
    var physicalType: Int32 {
        switch self {
        case .string, .json: 6
        case .int64, .timestamp: 2
        case .double: 5
        case .boolean: 0
        }
    }

    /// `ConvertedType`, which the spec asks writers to keep writing beside the logical type.
    var convertedType: Int32? {
        switch self {
        case .string: 0
        case .json: 19
        case .timestamp: 10
        case .int64, .double, .boolean: nil
        }
    }

    /// Whether min and max are kept: JSON values are large and their byte order means little.
    var keepsMinMax: Bool { self != .json }

    /// Writes the `LogicalType` union as a field of the schema element, if the type has one.
    func encodeLogicalType(field id: Int16, into encoder: inout CompactEncoder) {
        switch self {
        case .string: encoder.structure(id) { $0.structure(1) { _ in } }
        case .json: encoder.structure(id) { $0.structure(12) { _ in } }
        case .timestamp:
            encoder.structure(id) { logical in
                logical.structure(8) { timestamp in
                    timestamp.bool(1, true)
                    timestamp.structure(2) { unit in unit.structure(2) { _ in } }
                }
            }
        case .int64, .double, .boolean: break
        }
    }
}
