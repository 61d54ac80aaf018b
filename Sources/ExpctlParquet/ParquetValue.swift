/// One value of a row for `ParquetWriter.append(row:)`; each case fits the column type of the
/// same name, and `null` fits every optional column.
public enum ParquetValue: Sendable, Hashable {
    case null
    case string(String)
    case json(String)
    case int64(Int64)
    case double(Double)
    case boolean(Bool)
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestamp(microseconds: Int64)
}
