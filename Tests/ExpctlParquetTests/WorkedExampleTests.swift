@testable import ExpctlParquet
import Testing

/// The fact sheet's worked example written by the writer: one OPTIONAL INT64 column "v" holding
/// 10, 11, null, 13, 14, 15, 16, 17, null, null.
func workedExampleFile() throws -> [UInt8] {
    let output = ParquetMemoryOutput()
    let writer = try ParquetWriter(columns: [.optional("v", .int64)], output: output)
    for value: Int64? in [10, 11, nil, 13, 14, 15, 16, 17, nil, nil] {
        try writer.append(row: [value.map(ParquetValue.int64) ?? .null])
    }
    try writer.finish()
    #expect(output.isClosed)
    return output.bytes
}

func littleEndian(_ value: some FixedWidthInteger) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

/// A zigzag varint, as the compact protocol writes integers.
func compactInteger(_ value: Int64) -> [UInt8] {
    var encoder = CompactEncoder()
    encoder.varint(CompactEncoder.zigzag(value))
    return encoder.bytes
}

/// The example's page body: the levels' u32 length, the RLE levels, the seven values.
private let exampleBody: [UInt8] = [0x08, 0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x00, 0x0A, 0x01, 0x04, 0x00]
    + [10, 11, 13, 14, 15, 16, 17].flatMap { littleEndian(Int64($0)) }

/// The example's page header: type 0, both sizes 68 (zigzag varint 88 01), the CRC of the body
/// as a signed i32, then field 5 {10 values, PLAIN, RLE, RLE}.
private let examplePageHeader: [UInt8] = [0x15, 0x00, 0x15, 0x88, 0x01, 0x15, 0x88, 0x01, 0x15]
    + compactInteger(Int64(Int32(bitPattern: referenceCRC32(exampleBody))))
    + [0x1C, 0x15, 0x14, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00]

@Suite("The fact sheet's worked example, byte by byte")
struct WorkedExampleTests {
    @Test func theLevelsAreRLERuns() {
        var levels = DefinitionLevels()
        for present in [true, true, false, true, true, true, true, true, false, false] {
            levels.append(present: present)
        }
        levels.finish()
        #expect(levels.encoded == [0x04, 0x01, 0x02, 0x00, 0x0A, 0x01, 0x04, 0x00])
    }

    @Test func longRunsHaveVarintHeadersAndResetEmptiesTheLevels() {
        var levels = DefinitionLevels()
        for _ in 0..<200 { levels.append(present: true) }
        levels.append(present: false)
        levels.finish()
        // 200 << 1 = 400 = 0x190: varint 90 03.
        #expect(levels.encoded == [0x90, 0x03, 0x01, 0x02, 0x00])
        levels.reset()
        levels.finish()
        #expect(levels.encoded.isEmpty)
    }

    @Test func thePageHeaderOfTheFactSheet() {
        // Its sizes are those of the bit-packed levels (63 bytes), and it has no CRC.
        let header: [UInt8] = [
            0x15, 0x00, 0x15, 0x7E, 0x15, 0x7E, 0x2C, 0x15, 0x14, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00,
        ]
        #expect(FileMetadata.dataPageHeader(bodySize: 63, valueCount: 10, crc: nil) == header)
    }

    @Test func theFileHasTheMagicThePageAndTheFooter() throws {
        let file = try workedExampleFile()
        #expect(Array(file.prefix(4)) == Array("PAR1".utf8))

        #expect(exampleBody.count == 68)
        #expect(Array(file[4..<(4 + examplePageHeader.count)]) == examplePageHeader)
        let bodyStart = 4 + examplePageHeader.count
        #expect(Array(file[bodyStart..<(bodyStart + exampleBody.count)]) == exampleBody)

        let footerStart = bodyStart + exampleBody.count
        let footer = Array(file[footerStart..<(file.count - 8)])
        let schema: [UInt8] = [0x15, 0x02, 0x19, 0x2C, 0x48, 0x06] + Array("schema".utf8)
            + [0x15, 0x02, 0x00, 0x15, 0x04, 0x25, 0x02, 0x18, 0x01] + Array("v".utf8) + [0x00, 0x16, 0x14]
        #expect(Array(footer.prefix(schema.count)) == schema)
        // created_by (field 6, two after row_groups), then one TypeDefinedOrder, then STOP.
        let tail: [UInt8] = [0x28, 0x15] + Array("expctl parquet writer".utf8) + [0x19, 0x1C, 0x1C, 0x00, 0x00, 0x00]
        #expect(Array(footer.suffix(tail.count)) == tail)
        #expect(Array(file.suffix(8)) == littleEndian(UInt32(footer.count)) + Array("PAR1".utf8))
    }

    @Test func theChunkRecordsTheAbsoluteOffsetOfItsPageAndItsSizes() throws {
        let file = try workedExampleFile()
        // ColumnMetaData: type INT64, encodings [0, 3], path ["v"], codec 0, 10 values, the size
        // (page header and body) twice, and data_page_offset 4, right after the magic.
        let chunkSize = compactInteger(Int64(examplePageHeader.count + exampleBody.count))
        let columnMetaData: [UInt8] = [0x1C, 0x15, 0x04, 0x19, 0x25, 0x00, 0x06, 0x19, 0x18, 0x01] + Array("v".utf8)
            + [0x15, 0x00, 0x16, 0x14, 0x16] + chunkSize + [0x16] + chunkSize + [0x26, 0x08]
        #expect(contains(file, columnMetaData))
    }
}

private func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
    guard bytes.count >= part.count else { return false }
    return (0...(bytes.count - part.count)).contains { Array(bytes[$0..<($0 + part.count)]) == part }
}
