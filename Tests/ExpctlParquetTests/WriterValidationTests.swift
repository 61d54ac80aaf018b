@testable import ExpctlParquet
import Testing

private let columns: [ParquetColumn] = [.required("id", .string), .optional("doc", .json), .required("n", .int64)]

private func makeWriter(_ output: ParquetMemoryOutput = ParquetMemoryOutput()) throws -> ParquetWriter {
    try ParquetWriter(columns: columns, output: output)
}

/// An output whose writes fail after `allowed` of them.
private final class FailingOutput: ParquetOutput {
    struct Failure: Error {}
    var allowed: Int

    init(allowed: Int) { self.allowed = allowed }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard allowed > 0 else { throw Failure() }
        allowed -= 1
    }

    func close() throws {}
}

@Suite("What the writer refuses")
struct WriterValidationTests {
    @Test func rowsOfTheWrongLengthAreRefused() throws {
        let writer = try makeWriter()
        #expect(throws: ParquetError.wrongValueCount(expected: 3, got: 2)) {
            try writer.append(row: [.string("a"), .null])
        }
    }

    @Test func aNullInARequiredColumnNamesTheColumn() throws {
        let writer = try makeWriter()
        #expect(throws: ParquetError.nullInRequiredColumn(column: "n")) {
            try writer.append(row: [.string("a"), .null, .null])
        }
    }

    @Test func valuesOfAnotherTypeAreRefused() throws {
        let writer = try makeWriter()
        #expect(throws: ParquetError.typeMismatch(column: "id", expected: .string, got: .int64)) {
            try writer.append(row: [.int64(1), .null, .int64(1)])
        }
        #expect(throws: ParquetError.typeMismatch(column: "doc", expected: .json, got: .string)) {
            try writer.setString(1, "{}")
        }
        #expect(throws: ParquetError.typeMismatch(column: "n", expected: .int64, got: .timestamp)) {
            try writer.setTimestamp(2, microseconds: 0)
        }
    }

    @Test func textThatIsNotUTF8IsRefusedWithWhereItGoesWrong() throws {
        let writer = try makeWriter()
        #expect(throws: ParquetError.invalidUTF8(column: "id", byteOffset: 1)) {
            try writer.setString(0, utf8: [0x61, 0xFF])
        }
        #expect(throws: ParquetError.invalidUTF8(column: "doc", byteOffset: 2)) {
            try writer.setJSON(1, utf8: [0x7B, 0x7D, 0xED, 0xA0, 0x80])
        }
    }

    @Test func eachColumnTakesOneValueARowAndEndRowWantsThemAll() throws {
        let writer = try makeWriter()
        try writer.setString(0, "a")
        #expect(throws: ParquetError.valueAlreadySet(column: "id")) { try writer.setString(0, "b") }
        try writer.setNull(1)
        #expect(throws: ParquetError.missingValue(column: "n")) { try writer.endRow() }
        #expect(throws: ParquetError.rowInProgress) { try writer.finish() }
        #expect(throws: ParquetError.noSuchColumn(index: 3, columnCount: 3)) { try writer.setInt64(3, 1) }
        try writer.setInt64(2, 1)
        try writer.endRow()
        #expect(writer.rowCount == 1)
    }

    @Test func aRefusedRowOrValueLeavesTheFileAsWithoutIt() throws {
        let refusing = ParquetMemoryOutput()
        let writer = try makeWriter(refusing)
        try writer.append(row: [.string("kept"), .json("[1]"), .int64(1)])
        #expect(throws: ParquetError.self) { try writer.append(row: [.string("dropped"), .json("[2]"), .null]) }
        try writer.setString(0, "discarded")
        try writer.setJSON(1, "{\"large\": true}")
        writer.discardRow()
        #expect(throws: ParquetError.self) { try writer.setJSON(1, utf8: [0x80]) }
        try writer.append(row: [.string("kept too"), .null, .int64(2)])
        try writer.finish()

        let plain = ParquetMemoryOutput()
        let reference = try makeWriter(plain)
        try reference.append(row: [.string("kept"), .json("[1]"), .int64(1)])
        try reference.append(row: [.string("kept too"), .null, .int64(2)])
        try reference.finish()
        #expect(refusing.bytes == plain.bytes)
    }

    @Test func nothingIsTakenAfterFinish() throws {
        let writer = try makeWriter()
        try writer.finish()
        #expect(throws: ParquetError.finished) { try writer.append(row: [.string("a"), .null, .int64(1)]) }
        #expect(throws: ParquetError.finished) { try writer.setString(0, "a") }
        #expect(throws: ParquetError.finished) { try writer.finish() }
    }

    @Test func aPageOverTheLimitIsRefused() throws {
        let writer = try makeWriter()
        writer.pageLimit = 64
        try writer.append(row: [.string(String(repeating: "a", count: 40)), .null, .int64(1)])
        // 4 + 40 bytes are buffered: another 4 + 20 pass 64.
        #expect(throws: ParquetError.pageTooLarge(column: "id", bytes: 68)) {
            try writer.setString(0, String(repeating: "b", count: 20))
        }
        try writer.setString(0, String(repeating: "b", count: 16))
    }

    @Test func schemasAndOptionsAreChecked() throws {
        let output = ParquetMemoryOutput()
        #expect(throws: ParquetError.invalidSchema("no columns")) { try ParquetWriter(columns: [], output: output) }
        #expect(throws: ParquetError.invalidSchema("a column has an empty name")) {
            try ParquetWriter(columns: [.required("", .int64)], output: output)
        }
        #expect(throws: ParquetError.invalidSchema("the column name \"é\" is used twice")) {
            try ParquetWriter(columns: [.required("é", .int64), .optional("e\u{301}", .string)], output: output)
        }
        #expect(throws: ParquetError.reservedMetadataKey("ARROW:schema")) {
            let options = ParquetWriterOptions(keyValueMetadata: ["ARROW:schema": "x"])
            return try ParquetWriter(columns: columns, output: output, options: options)
        }
        #expect(throws: ParquetError.self) {
            try ParquetWriter(columns: columns, output: output, options: ParquetWriterOptions(rowGroupRows: 0))
        }
        #expect(throws: ParquetError.self) {
            try ParquetWriter(columns: columns, output: output, options: ParquetWriterOptions(rowGroupBytes: 0))
        }
        #expect(output.bytes.isEmpty)
    }

    @Test func aFailedWriteLeavesTheWriterUnusable() throws {
        let writer = try ParquetWriter(
            columns: columns, output: FailingOutput(allowed: 2), options: ParquetWriterOptions(rowGroupRows: 1))
        #expect(throws: FailingOutput.Failure.self) { try writer.append(row: [.string("a"), .null, .int64(1)]) }
        #expect(throws: ParquetError.failedEarlier) { try writer.append(row: [.string("b"), .null, .int64(2)]) }
        #expect(throws: ParquetError.failedEarlier) { try writer.finish() }
    }

    @Test func errorsSayWhichColumn() {
        #expect(ParquetError.nullInRequiredColumn(column: "row_id").description.contains("\"row_id\""))
        #expect(ParquetError.invalidUTF8(column: "input", byteOffset: 7).description.contains("byte 7"))
    }
}
