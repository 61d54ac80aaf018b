/// How a `ParquetWriter` cuts the file into row groups and what its footer says.
public struct ParquetWriterOptions: Sendable, Hashable {
    /// The most rows a row group holds: a full group is written out at once, so memory holds at
    /// most one group. 1 to 2^26 (page value counts are 32-bit).
    public var rowGroupRows: Int
    /// A group is also written out once its buffered values reach this many bytes, so large
    /// values keep memory bounded too. 1 byte to 1 GiB.
    public var rowGroupBytes: Int
    /// The file's key/value metadata (pyarrow: `schema.metadata`), written in key byte order.
    /// `ARROW:schema` is refused: pyarrow would decode it as its own schema.
    public var keyValueMetadata: [String: String]
    /// The footer's `created_by`. Readers trust or distrust statistics by it: with
    /// "parquet-mr version 1.6.0", pyarrow discards string min/max.
    public var createdBy: String

    public init(
        rowGroupRows: Int = 8192, rowGroupBytes: Int = 128 << 20, keyValueMetadata: [String: String] = [:],
        createdBy: String = "expctl parquet writer"
    ) {
        self.rowGroupRows = rowGroupRows
        self.rowGroupBytes = rowGroupBytes
        self.keyValueMetadata = keyValueMetadata
        self.createdBy = createdBy
    }

    static let maxRowGroupRows = 1 << 26
    static let maxRowGroupBytes = 1 << 30
    static let reservedKeys: Set<String> = ["ARROW:schema"]

    func validate() throws {
        guard (1...Self.maxRowGroupRows).contains(rowGroupRows) else {
            throw ParquetError.invalidOption("rowGroupRows is \(rowGroupRows), not 1 to \(Self.maxRowGroupRows)")
        }
        guard (1...Self.maxRowGroupBytes).contains(rowGroupBytes) else {
            throw ParquetError.invalidOption("rowGroupBytes is \(rowGroupBytes), not 1 to \(Self.maxRowGroupBytes)")
        }
        if let reserved = keyValueMetadata.keys.first(where: Self.reservedKeys.contains) {
            throw ParquetError.reservedMetadataKey(reserved)
        }
    }

    /// The metadata pairs in the order of their keys' UTF-8 bytes, so the file does not depend
    /// on dictionary order.
    var orderedKeyValues: [(key: String, value: String)] {
        keyValueMetadata.map { (key: $0.key, value: $0.value) }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }
}
