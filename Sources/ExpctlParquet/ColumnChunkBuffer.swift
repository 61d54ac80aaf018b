/// One column's part of the row group being built: its PLAIN values, its definition levels and
/// statistics, and the value of the row in progress.
///
/// A value is first *pending*: text is copied into `values` at once (so it is copied only once)
/// but counted, levelled and compared only when the row is committed; a discarded row cuts it off
/// again. A refused value leaves the buffer as it was.
struct ColumnChunkBuffer {
    enum Pending {
        case unset
        case null
        case integer(Int64)
        case double(Double)
        case boolean(Bool)
        /// Text whose length prefix starts at this offset of `values`.
        case text(start: Int)
    }

    let column: ParquetColumn
    /// PLAIN values of the committed non-null rows, then the pending text if any.
    private(set) var values: [UInt8] = []
    private(set) var levels = DefinitionLevels()
    /// Committed rows, nulls included.
    private(set) var valueCount = 0
    private(set) var nullCount = 0
    private(set) var statistics = ColumnStatistics()
    private(set) var pending = Pending.unset
    /// Booleans are packed eight a byte, the first in the lowest bit.
    private var booleanCount = 0

    init(column: ParquetColumn) {
        self.column = column
    }

    var hasPendingValue: Bool {
        if case .unset = pending { false } else { true }
    }

    mutating func setNull() throws {
        try checkUnset()
        guard column.isOptional else { throw ParquetError.nullInRequiredColumn(column: column.name) }
        pending = .null
    }

    /// An int64 or a timestamp, as `type` says.
    mutating func set(integer value: Int64, as type: ParquetColumnType) throws {
        try check(type)
        pending = .integer(value)
    }

    mutating func set(double value: Double) throws {
        try check(.double)
        pending = .double(value)
    }

    mutating func set(boolean value: Bool) throws {
        try check(.boolean)
        pending = .boolean(value)
    }

    /// Text of a string or JSON column, as `type` says; `isKnownUTF8` skips the check for bytes
    /// that come from a Swift String. `pageLimit` is the largest page body allowed.
    mutating func set(
        text bytes: UnsafeRawBufferPointer, as type: ParquetColumnType, isKnownUTF8: Bool, pageLimit: Int
    ) throws {
        try check(type)
        if !isKnownUTF8, let offset = UTF8Validation.firstInvalidOffset(in: bytes) {
            throw ParquetError.invalidUTF8(column: column.name, byteOffset: offset)
        }
        let pageBytes = pageBodyBound + 4 + bytes.count
        if pageBytes > pageLimit { throw ParquetError.pageTooLarge(column: column.name, bytes: pageBytes) }
        let start = values.count
        appendLittleEndian(UInt32(bytes.count))
        values.append(contentsOf: bytes)
        pending = .text(start: start)
    }

    /// Adds the pending value to the chunk; the caller has checked there is one.
    mutating func commit() {
        if case .null = pending {
            levels.append(present: false)
            nullCount += 1
        } else {
            if column.isOptional { levels.append(present: true) }
            appendPendingValue()
        }
        valueCount += 1
        pending = .unset
    }

    private mutating func appendPendingValue() {
        switch pending {
        case .unset, .null: preconditionFailure("column \(column.name) has no value to commit")
        case .integer(let value):
            appendLittleEndian(value)
            statistics.update(integer: value)
        case .double(let value):
            appendLittleEndian(value.bitPattern)
            statistics.update(double: value)
        case .boolean(let value):
            if booleanCount % 8 == 0 { values.append(0) }
            if value { values[values.count - 1] |= 1 << (booleanCount % 8) }
            booleanCount += 1
            statistics.update(integer: value ? 1 : 0)
        case .text(let start):
            guard column.type.keepsMinMax else { return }
            values.withUnsafeBytes { statistics.update(bytes: UnsafeRawBufferPointer(rebasing: $0[(start + 4)...])) }
        }
    }

    /// Forgets the pending value.
    mutating func discardPending() {
        if case .text(let start) = pending { values.removeSubrange(start...) }
        pending = .unset
    }

    /// Closes the levels' last run: `levels.encoded` then holds the page's levels.
    mutating func closePage() {
        levels.finish()
    }

    /// Empty for the next row group, keeping the buffers' capacity.
    mutating func reset() {
        values.removeAll(keepingCapacity: true)
        levels.reset()
        valueCount = 0
        nullCount = 0
        booleanCount = 0
        statistics.reset()
        pending = .unset
    }

    /// The most the page body can hold before the pending value, once its levels are closed,
    /// counting one more row's run.
    private var pageBodyBound: Int {
        let levelBytes = column.isOptional ? 4 + levels.encoded.count + 2 * DefinitionLevels.openRunBytes : 0
        return levelBytes + values.count
    }

    private func check(_ type: ParquetColumnType) throws {
        guard type == column.type else {
            throw ParquetError.typeMismatch(column: column.name, expected: column.type, got: type)
        }
        try checkUnset()
    }

    private func checkUnset() throws {
        if hasPendingValue { throw ParquetError.valueAlreadySet(column: column.name) }
    }

    private mutating func appendLittleEndian(_ value: some FixedWidthInteger) {
        withUnsafeBytes(of: value.littleEndian) { values.append(contentsOf: $0) }
    }
}
