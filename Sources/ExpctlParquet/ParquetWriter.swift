/// Writes a Parquet file of flat columns row by row: data page v1, PLAIN values, no compression,
/// a CRC-32 per page, statistics per column chunk.
///
/// A row is given column by column through the typed setters (`setString(_:utf8:)` takes bytes
/// without making a String) and closed by `endRow()`, or all at once by `append(row:)`. Every
/// `options.rowGroupRows` rows (or `rowGroupBytes` bytes) the row group is written to the output,
/// so memory holds one group; `finish()` writes the last group and the footer.
///
/// A refused value or row (a `ParquetError`) changes nothing; a failed write leaves the writer
/// unusable. Not thread-safe: one writer belongs to one thread at a time.
public final class ParquetWriter {
    public let columns: [ParquetColumn]
    public let options: ParquetWriterOptions
    /// The rows ended so far, written out or buffered.
    public private(set) var rowCount = 0

    private enum State { case open, finished, failed }

    private static let magic = Array("PAR1".utf8)

    private let output: any ParquetOutput
    private var chunks: [ColumnChunkBuffer]
    private var rowGroups: [RowGroupRecord] = []
    private var groupRowCount = 0
    /// The bytes written so far: the offset of the next one.
    private var offset: Int64 = 0
    private var state = State.open
    /// The largest page body: Parquet's sizes are 32-bit. Tests lower it.
    var pageLimit = Int(Int32.max)

    /// Checks the schema and options and writes the leading magic to `output`, which must be empty.
    public init(
        columns: [ParquetColumn], output: any ParquetOutput, options: ParquetWriterOptions = ParquetWriterOptions()
    ) throws {
        try Self.validate(columns)
        try options.validate()
        self.columns = columns
        self.options = options
        self.output = output
        chunks = columns.map(ColumnChunkBuffer.init(column:))
        try emit(Self.magic)
    }

    /// The index of the column named `name`, for the setters.
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    // MARK: The row in progress

    // Each setter gives the column at `column` (an index into `columns`) its value in the row in
    // progress. A refused value (another type, a second value, a null in a required column, text
    // that is not UTF-8, a page past 2^31 - 1 bytes) throws and changes nothing.

    public func setNull(_ column: Int) throws {
        try withChunk(column) { try $0.setNull() }
    }

    public func setInt64(_ column: Int, _ value: Int64) throws {
        try withChunk(column) { try $0.set(integer: value, as: .int64) }
    }

    public func setTimestamp(_ column: Int, microseconds: Int64) throws {
        try withChunk(column) { try $0.set(integer: microseconds, as: .timestamp) }
    }

    public func setDouble(_ column: Int, _ value: Double) throws {
        try withChunk(column) { try $0.set(double: value) }
    }

    public func setBoolean(_ column: Int, _ value: Bool) throws {
        try withChunk(column) { try $0.set(boolean: value) }
    }

    public func setString(_ column: Int, _ value: String) throws {
        try setText(column, value, as: .string)
    }

    /// UTF-8 bytes, checked, copied once into the column's buffer.
    public func setString(_ column: Int, utf8 bytes: UnsafeRawBufferPointer) throws {
        try setText(column, bytes, as: .string, isKnownUTF8: false)
    }

    public func setString(_ column: Int, utf8 bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try setText(column, $0, as: .string, isKnownUTF8: false) }
    }

    /// JSON text, which is never parsed: only its UTF-8 is checked.
    public func setJSON(_ column: Int, _ text: String) throws {
        try setText(column, text, as: .json)
    }

    public func setJSON(_ column: Int, utf8 bytes: UnsafeRawBufferPointer) throws {
        try setText(column, bytes, as: .json, isKnownUTF8: false)
    }

    public func setJSON(_ column: Int, utf8 bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try setText(column, $0, as: .json, isKnownUTF8: false) }
    }

    /// Any value through the setter of its type.
    public func set(_ column: Int, _ value: ParquetValue) throws {
        switch value {
        case .null: try setNull(column)
        case .string(let text): try setString(column, text)
        case .json(let text): try setJSON(column, text)
        case .int64(let integer): try setInt64(column, integer)
        case .double(let double): try setDouble(column, double)
        case .boolean(let boolean): try setBoolean(column, boolean)
        case .timestamp(let microseconds): try setTimestamp(column, microseconds: microseconds)
        }
    }

    /// Adds the row whose every column was set, and writes the row group out when it is full.
    public func endRow() throws {
        try checkOpen()
        // Index loops: iterating `chunks` would copy each buffer's references every row.
        for index in chunks.indices where !chunks[index].hasPendingValue {
            throw ParquetError.missingValue(column: chunks[index].column.name)
        }
        for index in chunks.indices { chunks[index].commit() }
        rowCount += 1
        groupRowCount += 1
        if groupRowCount >= options.rowGroupRows || bufferedBytes >= options.rowGroupBytes {
            try writeRowGroup()
        }
    }

    /// Forgets the values set since the last row ended.
    public func discardRow() {
        for index in chunks.indices { chunks[index].discardPending() }
    }

    /// One value per column, in schema order; a refused row is not added.
    public func append(row: [ParquetValue]) throws {
        try checkOpen()
        guard row.count == chunks.count else {
            throw ParquetError.wrongValueCount(expected: chunks.count, got: row.count)
        }
        if hasRowInProgress { throw ParquetError.rowInProgress }
        do {
            for (column, value) in row.enumerated() { try set(column, value) }
            try endRow()
        } catch {
            discardRow()
            throw error
        }
    }

    /// Writes the last row group and the footer, and closes the output.
    public func finish() throws {
        try checkOpen()
        if hasRowInProgress { throw ParquetError.rowInProgress }
        do {
            if groupRowCount > 0 { try writeRowGroup() }
            let footer = FileMetadata.fileMetaData(
                columns: columns, rowGroups: rowGroups, keyValues: options.orderedKeyValues,
                createdBy: options.createdBy)
            try emit(footer)
            try emit(Self.littleEndian(UInt32(footer.count)))
            try emit(Self.magic)
            try output.close()
            state = .finished
        } catch {
            state = .failed
            throw error
        }
    }

    // MARK: Writing out

    private var hasRowInProgress: Bool {
        chunks.indices.contains { chunks[$0].hasPendingValue }
    }

    private var bufferedBytes: Int {
        var bytes = 0
        for index in chunks.indices { bytes += chunks[index].values.count + chunks[index].levels.encoded.count }
        return bytes
    }

    private func writeRowGroup() throws {
        let groupOffset = offset
        var records: [ColumnChunkRecord] = []
        records.reserveCapacity(chunks.count)
        do {
            for index in chunks.indices { records.append(try writeColumnChunk(index)) }
        } catch {
            state = .failed
            throw error
        }
        rowGroups.append(RowGroupRecord(columns: records, rowCount: Int64(groupRowCount), fileOffset: groupOffset))
        for index in chunks.indices { chunks[index].reset() }
        groupRowCount = 0
    }

    /// The chunk's one page: its header, then the body (for an optional column the levels'
    /// u32 length and the levels, then the PLAIN values of the non-null rows).
    private func writeColumnChunk(_ index: Int) throws -> ColumnChunkRecord {
        chunks[index].closePage()
        let levels = chunks[index].column.isOptional ? chunks[index].levels.encoded : []
        let levelPrefix = chunks[index].column.isOptional ? Self.littleEndian(UInt32(levels.count)) : []
        let values = chunks[index].values
        let bodySize = levelPrefix.count + levels.count + values.count
        guard bodySize <= pageLimit, let size = Int32(exactly: bodySize) else {
            throw ParquetError.pageTooLarge(column: chunks[index].column.name, bytes: bodySize)
        }
        var crc = CRC32()
        crc.update(levelPrefix)
        crc.update(levels)
        crc.update(values)
        let header = FileMetadata.dataPageHeader(
            bodySize: size, valueCount: Int32(chunks[index].valueCount), crc: crc.checksum)
        let pageOffset = offset
        for part in [header, levelPrefix, levels, values] { try emit(part) }
        return ColumnChunkRecord(
            valueCount: Int64(chunks[index].valueCount), nullCount: Int64(chunks[index].nullCount),
            byteSize: Int64(header.count + bodySize), dataPageOffset: pageOffset,
            minMax: chunks[index].statistics.encoded(for: chunks[index].column.type))
    }

    private func emit(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try output.write(bytes)
        offset += Int64(bytes.count)
    }

    // MARK: Checks

    private func setText(_ column: Int, _ value: String, as type: ParquetColumnType) throws {
        var text = value
        try text.withUTF8 { try setText(column, UnsafeRawBufferPointer($0), as: type, isKnownUTF8: true) }
    }

    private func setText(
        _ column: Int, _ bytes: UnsafeRawBufferPointer, as type: ParquetColumnType, isKnownUTF8: Bool
    ) throws {
        let limit = pageLimit
        try withChunk(column) { try $0.set(text: bytes, as: type, isKnownUTF8: isKnownUTF8, pageLimit: limit) }
    }

    private func withChunk(_ index: Int, _ body: (inout ColumnChunkBuffer) throws -> Void) throws {
        try checkOpen()
        guard chunks.indices.contains(index) else {
            throw ParquetError.noSuchColumn(index: index, columnCount: chunks.count)
        }
        try body(&chunks[index])
    }

    private func checkOpen() throws {
        switch state {
        case .open: return
        case .finished: throw ParquetError.finished
        case .failed: throw ParquetError.failedEarlier
        }
    }

    private static func validate(_ columns: [ParquetColumn]) throws {
        guard !columns.isEmpty else { throw ParquetError.invalidSchema("no columns") }
        var names = Set<String>()
        for column in columns {
            guard !column.name.isEmpty else { throw ParquetError.invalidSchema("a column has an empty name") }
            // String equality: canonically equivalent names ("e\u{301}", "é") count as one, since
            // people reading the table could not tell them apart.
            guard names.insert(column.name).inserted else {
                throw ParquetError.invalidSchema("the column name \"\(column.name)\" is used twice")
            }
        }
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
