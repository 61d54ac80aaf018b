/// What the footer records of one column chunk: a single PLAIN data page, uncompressed.
struct ColumnChunkRecord {
    /// Rows, nulls included (as the page's and the chunk's `num_values`).
    var valueCount: Int64
    var nullCount: Int64
    /// The page header and body: the chunk's compressed and uncompressed size alike.
    var byteSize: Int64
    /// The absolute offset of the page header in the file.
    var dataPageOffset: Int64
    /// PLAIN min and max; nil when the chunk has none (all null, all NaN, or a JSON column).
    var minMax: (min: [UInt8], max: [UInt8])?
}

/// What the footer records of one row group: its chunks in schema order.
struct RowGroupRecord {
    var columns: [ColumnChunkRecord]
    var rowCount: Int64
    /// The absolute offset of the first chunk's page header.
    var fileOffset: Int64
    var byteSize: Int64 { columns.reduce(0) { $0 + $1.byteSize } }
}

/// The Thrift structs of parquet.thrift that a writer of flat, uncompressed, PLAIN columns
/// needs, each field by its id there.
enum FileMetadata {
    /// PageHeader of a DATA_PAGE (v1): PLAIN values, RLE levels. The worked example of the fact
    /// sheet has no CRC, hence the optional.
    static func dataPageHeader(bodySize: Int32, valueCount: Int32, crc: UInt32?) -> [UInt8] {
        var encoder = CompactEncoder()
        encoder.i32(1, 0)
        encoder.i32(2, bodySize)
        encoder.i32(3, bodySize)
        if let crc { encoder.i32(4, Int32(bitPattern: crc)) }
        encoder.structure(5) { header in
            header.i32(1, valueCount)
            header.i32(2, 0)
            header.i32(3, 3)
            header.i32(4, 3)
        }
        encoder.stop()
        return encoder.bytes
    }

    /// FileMetaData: the footer, without its length and the closing magic.
    static func fileMetaData(
        columns: [ParquetColumn], rowGroups: [RowGroupRecord], keyValues: [(key: String, value: String)],
        createdBy: String
    ) -> [UInt8] {
        var encoder = CompactEncoder()
        encoder.i32(1, 1)
        encoder.list(2, of: .structure, count: columns.count + 1)
        encoder.structElement { root in
            root.string(4, "schema")
            root.i32(5, Int32(columns.count))
        }
        for column in columns {
            encoder.structElement { schemaElement(&$0, column) }
        }
        encoder.i64(3, rowGroups.reduce(0) { $0 + $1.rowCount })
        encoder.list(4, of: .structure, count: rowGroups.count)
        for group in rowGroups {
            encoder.structElement { rowGroup(&$0, group, columns) }
        }
        if !keyValues.isEmpty {
            encoder.list(5, of: .structure, count: keyValues.count)
            for pair in keyValues {
                encoder.structElement { keyValue in
                    keyValue.string(1, pair.key)
                    keyValue.string(2, pair.value)
                }
            }
        }
        encoder.string(6, createdBy)
        // One TypeDefinedOrder per column: without column_orders, readers ignore min and max.
        encoder.list(7, of: .structure, count: columns.count)
        for _ in columns {
            encoder.structElement { order in order.structure(1) { _ in } }
        }
        encoder.stop()
        return encoder.bytes
    }

    private static func schemaElement(_ encoder: inout CompactEncoder, _ column: ParquetColumn) {
        encoder.i32(1, column.type.physicalType)
        encoder.i32(3, column.isOptional ? 1 : 0)
        encoder.string(4, column.name)
        if let converted = column.type.convertedType { encoder.i32(6, converted) }
        column.type.encodeLogicalType(field: 10, into: &encoder)
    }

    private static func rowGroup(_ encoder: inout CompactEncoder, _ group: RowGroupRecord, _ columns: [ParquetColumn]) {
        encoder.list(1, of: .structure, count: group.columns.count)
        for (chunk, column) in zip(group.columns, columns) {
            encoder.structElement { columnChunk in
                columnChunk.i64(2, 0)
                columnChunk.structure(3) { columnMetaData(&$0, chunk, column) }
            }
        }
        encoder.i64(2, group.byteSize)
        encoder.i64(3, group.rowCount)
        encoder.i64(5, group.fileOffset)
        encoder.i64(6, group.byteSize)
    }

    private static func columnMetaData(
        _ encoder: inout CompactEncoder, _ chunk: ColumnChunkRecord, _ column: ParquetColumn
    ) {
        encoder.i32(1, column.type.physicalType)
        encoder.list(2, of: .i32, count: 2)
        encoder.i32Element(0)
        encoder.i32Element(3)
        encoder.list(3, of: .binary, count: 1)
        encoder.binaryElement(Array(column.name.utf8))
        encoder.i32(4, 0)
        encoder.i64(5, chunk.valueCount)
        encoder.i64(6, chunk.byteSize)
        encoder.i64(7, chunk.byteSize)
        encoder.i64(9, chunk.dataPageOffset)
        encoder.structure(12) { statistics in
            statistics.i64(3, chunk.nullCount)
            if let (min, max) = chunk.minMax {
                statistics.binary(5, max)
                statistics.binary(6, min)
            }
        }
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
