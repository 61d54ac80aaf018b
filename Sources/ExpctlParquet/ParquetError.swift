/// Why the writer refused a schema, an option, a value or a row, or could not write.
///
/// A refused value or row changes nothing: the row in progress keeps the values set before, and
/// the writer stays usable. Only a failed write (`output`) leaves it unusable (`failedEarlier`).
public enum ParquetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The columns cannot form a schema: there are none, or a name is empty or repeated.
    case invalidSchema(String)
    /// An option is out of range.
    case invalidOption(String)
    /// A key/value metadata key that readers interpret, such as `ARROW:schema`.
    case reservedMetadataKey(String)
    /// A column index outside the schema.
    case noSuchColumn(index: Int, columnCount: Int)
    /// A row with more or fewer values than the schema has columns.
    case wrongValueCount(expected: Int, got: Int)
    /// A value of another type than the column's.
    case typeMismatch(column: String, expected: ParquetColumnType, got: ParquetColumnType)
    case nullInRequiredColumn(column: String)
    /// Text that is not UTF-8; `byteOffset` is where the first bad sequence starts.
    case invalidUTF8(column: String, byteOffset: Int)
    /// A second value for a column in the same row.
    case valueAlreadySet(column: String)
    /// `endRow()` before every column of the row had a value.
    case missingValue(column: String)
    /// The column's page would pass Parquet's limit of 2^31 - 1 bytes.
    case pageTooLarge(column: String, bytes: Int)
    /// `finish()` while a row was begun but not ended.
    case rowInProgress
    /// A call after `finish()`.
    case finished
    /// A call after a write to the output failed: the file is incomplete.
    case failedEarlier
    /// The file output failed: the operation (`open`, `write`, `close`), the path and the system's message.
    case output(operation: String, path: String, message: String)

    public var description: String {
        switch self {
        case .invalidSchema(let reason): "invalid Parquet schema: \(reason)"
        case .invalidOption(let reason): "invalid Parquet writer option: \(reason)"
        case .reservedMetadataKey(let key): "the key/value metadata key \"\(key)\" is reserved for readers' own use"
        case .noSuchColumn(let index, let count): "no column \(index): the schema has \(count) columns"
        case .wrongValueCount(let expected, let got): "a row has \(got) values, the schema has \(expected) columns"
        case .typeMismatch(let column, let expected, let got):
            "column \"\(column)\" holds \(expected) values, not \(got)"
        case .nullInRequiredColumn(let column): "column \"\(column)\" is required and cannot hold a null"
        case .invalidUTF8(let column, let offset): "column \"\(column)\": the text is not UTF-8 (at byte \(offset))"
        case .valueAlreadySet(let column): "column \"\(column)\" already has a value in this row"
        case .missingValue(let column): "column \"\(column)\" has no value in this row"
        case .pageTooLarge(let column, let bytes):
            "column \"\(column)\": the page would hold \(bytes) bytes, more than Parquet's 2147483647"
        case .rowInProgress: "a row was begun but not ended: end or discard it before finishing"
        case .finished: "the Parquet file is already finished"
        case .failedEarlier: "an earlier write of this Parquet file failed: the file is incomplete"
        case .output(let operation, let path, let message): "cannot \(operation) \(path): \(message)"
        }
    }
}
