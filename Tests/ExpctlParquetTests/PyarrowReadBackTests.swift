import ExpctlParquet
import Foundation
import Testing

/// Every column type, required and optional.
private let allTypes: [ParquetColumn] = [
    .required("id", .string), .optional("note", .string),
    .required("doc", .json), .optional("extra", .json),
    .required("count", .int64), .optional("maybe_count", .int64),
    .required("score", .double), .optional("maybe_score", .double),
    .required("flag", .boolean), .optional("maybe_flag", .boolean),
    .required("at", .timestamp), .optional("maybe_at", .timestamp),
]

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z in microseconds.
private let firstMicrosecond: Int64 = -62_135_596_800_000_000
private let lastMicrosecond: Int64 = 253_402_300_799_999_999

/// Values at the edges of every type, and a null in every optional column.
private let edgeRows: [[ParquetValue]] = [
    [
        .string(""), .null, .json("{}"), .null, .int64(.max), .null, .double(.nan), .null,
        .boolean(true), .null, .timestamp(microseconds: firstMicrosecond), .null,
    ],
    [
        .string("a\u{0}b"), .string(""), .json("[]"), .json("null"), .int64(.min), .int64(.min), .double(-0.0),
        .double(.nan), .boolean(false), .boolean(false), .timestamp(microseconds: lastMicrosecond),
        .timestamp(microseconds: 0),
    ],
    [
        .string("😀"), .string("e\u{301}"), .json(#"{"emoji":"😀","nul":"\u0000"}"#), .json("\"\u{10FFFF}\""),
        .int64(-.max), .int64(.max), .double(.infinity), .double(-0.0), .boolean(true), .boolean(true),
        .timestamp(microseconds: 0), .timestamp(microseconds: -1),
    ],
    [
        .string("\u{10FFFF}"), .string("é"), .json("\u{0}"), .null, .int64(0), .null, .double(-.infinity),
        .double(1.5), .boolean(false), .null, .timestamp(microseconds: 1_736_500_000_000_000),
        .timestamp(microseconds: lastMicrosecond),
    ],
    [
        .string("z"), .null, .json(String(repeating: "[1,", count: 500) + "1" + String(repeating: "]", count: 500)),
        .null,
        .int64(42), .int64(-7), .double(0.0), .null, .boolean(true), .null,
        .timestamp(microseconds: firstMicrosecond), .timestamp(microseconds: firstMicrosecond),
    ],
]

@Suite("Files read back with pyarrow and pandas")
struct PyarrowReadBackTests {
    @Test func aFileWithoutRowsHasTheSchemaAndTheMetadata() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let metadata = ["expctl.dataset": "planner/2025-01-10", "note": "é 😀"]
        let options = ParquetWriterOptions(keyValueMetadata: metadata)
        let path = try writeFile(directory.path("empty.parquet"), allTypes, [], options: options)
        let read = try readWithPyarrow(path)
        #expect(read.numRows == 0)
        #expect(read.rowGroups.isEmpty)
        #expect(read.pandasRows == 0)
        #expect(read.columns == encodedColumns(allTypes, []))
        #expect(read.metadata == metadata)
        #expect(read.createdBy == "expctl parquet writer")
        expectSchema(read)
    }

    @Test func oneRowReadsBackExactly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rows = [edgeRows[2]]
        let read = try readWithPyarrow(try writeFile(directory.path("one.parquet"), allTypes, rows))
        #expect(read.numRows == 1)
        #expect(read.rowGroups.map(\.numRows) == [1])
        #expect(read.columns == encodedColumns(allTypes, rows))
        #expect(read.pandas == read.columns)
        #expect(read.metadata.isEmpty)
        expectSchema(read)
    }

    @Test func edgeValuesAndNullsReadBackExactlyWithTheirStatistics() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let read = try readWithPyarrow(try writeFile(directory.path("edges.parquet"), allTypes, edgeRows))
        let expected = encodedColumns(allTypes, edgeRows)
        #expect(read.columns == expected)
        #expect(read.pandas == expected)
        #expect(read.pandasRows == edgeRows.count)
        let group = try #require(read.rowGroups.first)
        for (index, column) in allTypes.enumerated() {
            #expect(group.columns[index] == expectedStatistics(column, edgeRows.map { $0[index] }), "\(column.name)")
        }
        // The extremes, spelled out: bytes order the text, NaN is left out, zeros widen.
        #expect(group.columns[0].min == "" && group.columns[0].max == "f48fbfbf")
        #expect(group.columns[4].min == String(Int64.min) && group.columns[4].max == String(Int64.max))
        #expect(group.columns[6].min == String((-Double.infinity).bitPattern))
        #expect(group.columns[7].min == String((-0.0).bitPattern) && group.columns[7].max == String(1.5.bitPattern))
        #expect(group.columns[10].min == String(firstMicrosecond) && group.columns[10].max == String(lastMicrosecond))
    }

    @Test func canonicallyEquivalentTextIsKeptAndOrderedByItsBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let columns: [ParquetColumn] = [.required("s", .string)]
        let rows: [[ParquetValue]] = [[.string("é")], [.string("e\u{301}")], [.string("é")]]
        let path = try writeFile(directory.path("equivalent.parquet"), columns, rows)
        let read = try readWithPyarrow(path, filters: [EqualityFilter(column: "s", kind: "string", value: "e\u{301}")])
        #expect(read.columns["s"] == ["c3a9", "65cc81", "c3a9"])
        let statistics = try #require(read.rowGroups.first?.columns.first)
        #expect(statistics.min == "65cc81")
        #expect(statistics.max == "c3a9")
        #expect(read.filtered.first?["s"] == ["65cc81"])
    }

    @Test func manyRowGroupsReadBackAndFiltersFindTheirRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let columns: [ParquetColumn] = [
            .required("id", .string), .optional("count", .int64), .optional("score", .double),
            .required("flag", .boolean), .required("at", .timestamp), .optional("doc", .json),
            .optional("label", .string),
        ]
        let base: Int64 = 1_736_500_000_000_000
        let rows: [[ParquetValue]] = (0..<20_000).map { row in
            let index = Int64(row)
            return [
                .string("row-\(String(format: "%05d", row))"),
                row % 7 == 3 ? .null : .int64(index * 3 - 30_000),
                row % 13 == 0 ? .null : row % 11 == 0 ? .double(.nan) : .double(Double(row) / 4),
                .boolean(row % 3 == 0),
                .timestamp(microseconds: base + index * 1_000_000),
                row % 5 == 0 ? .null : .json(#"{"i":\#(row)}"#),
                row % 19 == 0 ? .null : .string("label-\(row % 17)"),
            ]
        }
        let options = ParquetWriterOptions(rowGroupRows: 1_000)
        let path = try writeFile(directory.path("groups.parquet"), columns, rows, options: options)
        let filters = [
            EqualityFilter(column: "id", kind: "string", value: "row-12345"),
            EqualityFilter(column: "count", kind: "int", value: String(4_321 * 3 - 30_000)),
            EqualityFilter(column: "score", kind: "double", value: String((Double(4_001) / 4).bitPattern)),
            EqualityFilter(column: "at", kind: "timestamp", value: String(base + 15_000 * 1_000_000)),
            EqualityFilter(column: "label", kind: "string", value: "label-3"),
            EqualityFilter(column: "flag", kind: "bool", value: "true"),
        ]
        let read = try readWithPyarrow(path, filters: filters)
        #expect(read.numRows == rows.count)
        #expect(read.rowGroups.map(\.numRows) == Array(repeating: 1_000, count: 20))
        #expect(read.columns == encodedColumns(columns, rows))
        #expect(read.pandas == read.columns)
        for (group, statistics) in read.rowGroups.enumerated() {
            let groupRows = rows[(group * 1_000)..<((group + 1) * 1_000)]
            for (index, column) in columns.enumerated() {
                #expect(statistics.columns[index] == expectedStatistics(column, groupRows.map { $0[index] }))
            }
        }
        let expectedMatches: [[[ParquetValue]]] = [
            rows.filter { $0[0] == .string("row-12345") },
            rows.filter { $0[1] == .int64(4_321 * 3 - 30_000) },
            rows.filter { $0[2] == .double(1_000.25) },
            rows.filter { $0[4] == .timestamp(microseconds: base + 15_000 * 1_000_000) },
            rows.filter { $0[6] == .string("label-3") },
            rows.filter { $0[3] == .boolean(true) },
        ]
        #expect(expectedMatches.prefix(4).allSatisfy { $0.count == 1 })
        #expect(read.filtered.count == filters.count)
        for (filter, (found, expected)) in zip(filters, zip(read.filtered, expectedMatches)) {
            #expect(found == encodedColumns(columns, expected), "\(filter.column)")
        }
    }

    @Test func theWorkedExampleReadsBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("example.parquet")
        let bytes = try workedExampleFile()
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let read = try readWithPyarrow(path)
        #expect(read.columns["v"] == ["10", "11", nil, "13", "14", "15", "16", "17", nil, nil])
    }

    private func expectSchema(_ read: ReadBack, sourceLocation: SourceLocation = #_sourceLocation) {
        let arrowTypes: [ParquetColumnType: String] = [
            .string: "string", .json: "extension<arrow.json>", .int64: "int64", .double: "double", .boolean: "bool",
            .timestamp: "timestamp[us, tz=UTC]",
        ]
        for column in allTypes {
            #expect(read.arrowTypes[column.name] == arrowTypes[column.type], sourceLocation: sourceLocation)
            #expect(read.nullable[column.name] == column.isOptional, sourceLocation: sourceLocation)
            let dtype = arrowTypes[column.type].map { "\($0)[pyarrow]" }
            #expect(read.pandasDtypes[column.name] == dtype, sourceLocation: sourceLocation)
        }
        #expect(read.logicalTypes["id"] == "String", sourceLocation: sourceLocation)
        #expect(read.logicalTypes["doc"] == "JSON", sourceLocation: sourceLocation)
        let timestamp = "Timestamp(isAdjustedToUTC=true, timeUnit=microseconds"
        #expect(read.logicalTypes["at"]?.hasPrefix(timestamp) == true, sourceLocation: sourceLocation)
    }
}
