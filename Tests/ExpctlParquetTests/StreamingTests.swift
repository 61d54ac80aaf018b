import ExpctlParquet
import Foundation
import Testing

@Suite("Streaming row groups to the output")
struct StreamingTests {
    @Test func aRowGroupIsWrittenOutWhenItIsFull() throws {
        let output = ParquetMemoryOutput()
        let writer = try ParquetWriter(
            columns: [.required("n", .int64)], output: output, options: ParquetWriterOptions(rowGroupRows: 3))
        #expect(output.bytes == Array("PAR1".utf8))
        try writer.append(row: [.int64(1)])
        try writer.append(row: [.int64(2)])
        #expect(output.bytes.count == 4)
        try writer.append(row: [.int64(3)])
        let afterOneGroup = output.bytes.count
        #expect(afterOneGroup > 4 + 3 * 8)
        try writer.append(row: [.int64(4)])
        #expect(output.bytes.count == afterOneGroup)
        #expect(!output.isClosed)
        try writer.finish()
        #expect(output.isClosed)
        #expect(writer.rowCount == 4)
    }

    @Test func aRowGroupIsAlsoWrittenOutWhenItHoldsEnoughBytes() throws {
        let output = ParquetMemoryOutput()
        let writer = try ParquetWriter(
            columns: [.required("s", .string)], output: output, options: ParquetWriterOptions(rowGroupBytes: 100))
        try writer.append(row: [.string(String(repeating: "x", count: 50))])
        #expect(output.bytes.count == 4)
        try writer.append(row: [.string(String(repeating: "y", count: 50))])
        #expect(output.bytes.count > 4 + 108)
    }

    @Test func theFastPathAndTheValueRowsWriteTheSameFile() throws {
        let columns: [ParquetColumn] = [
            .required("id", .string), .optional("doc", .json), .optional("n", .int64), .required("x", .double),
            .optional("b", .boolean), .required("at", .timestamp),
        ]
        let byValues = ParquetMemoryOutput()
        let bySetters = ParquetMemoryOutput()
        let options = ParquetWriterOptions(rowGroupRows: 7, keyValueMetadata: ["a": "1", "b": "2"])
        let values = try ParquetWriter(columns: columns, output: byValues, options: options)
        let setters = try ParquetWriter(columns: columns, output: bySetters, options: options)
        for row in 0..<30 {
            let id = "id-\(row)", doc = "{\"row\":\(row)}"
            try values.append(row: [
                .string(id), row % 4 == 0 ? .null : .json(doc), row % 3 == 0 ? .null : .int64(Int64(row)),
                .double(Double(row) / 3), row % 5 == 0 ? .null : .boolean(row % 2 == 0),
                .timestamp(microseconds: Int64(row) * 1_000),
            ])
            try Array(id.utf8).withUnsafeBytes { try setters.setString(0, utf8: $0) }
            if row % 4 == 0 { try setters.setNull(1) } else { try setters.setJSON(1, utf8: Array(doc.utf8)) }
            if row % 3 == 0 { try setters.setNull(2) } else { try setters.setInt64(2, Int64(row)) }
            try setters.setDouble(3, Double(row) / 3)
            if row % 5 == 0 { try setters.setNull(4) } else { try setters.setBoolean(4, row % 2 == 0) }
            try setters.setTimestamp(5, microseconds: Int64(row) * 1_000)
            try setters.endRow()
        }
        try values.finish()
        try setters.finish()
        #expect(byValues.bytes == bySetters.bytes)
    }

    @Test func theFileOutputWritesWhatTheMemoryOutputHolds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("same.parquet")
        let columns: [ParquetColumn] = [.required("s", .string)]
        // A small buffer, so that both buffered and direct writes happen.
        let file = try ParquetFileOutput(path: path, bufferSize: 64)
        let memory = ParquetMemoryOutput()
        for output in [file, memory] as [any ParquetOutput] {
            let options = ParquetWriterOptions(rowGroupRows: 10)
            let writer = try ParquetWriter(columns: columns, output: output, options: options)
            for row in 0..<95 { try writer.append(row: [.string(String(repeating: "r", count: row))]) }
            try writer.finish()
        }
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == memory.bytes)
    }

    @Test func aFileThatCannotBeCreatedIsAnOutputError() {
        #expect(throws: ParquetError.self) { try ParquetFileOutput(path: "/nonexistent-directory/x.parquet") }
    }
}
