import ExpctlModel
import ExpctlParquet

/// `training.parquet`: the rows as the flat columns of docs/datasets.md, input, target and
/// metadata as JSON text. Hashed as it is written, like `data.jsonl`.
final class ParquetRowsFile: DatasetRowSink {
    private let writer: ParquetWriter
    private let output: HashingFileOutput
    private typealias Column = DatasetQuery.Column

    /// The Parquet columns, in file order, and the query column each comes from (nil: the split).
    private static let layout: [(ParquetColumn, Column?)] = [
        (.required("row_id", .string), .rowID),
        (.required("split", .string), nil),
        (.required("household_id", .string), .householdID),
        (.required("occurred_at", .timestamp), .occurredAtMicros),
        (.required("workflow_type", .string), .workflowType),
        (.optional("mode", .string), .mode),
        (.optional("policy_version_id", .string), .policyVersionID),
        (.required("region", .string), .region),
        (.required("household_size", .int64), .householdSize),
        (.required("input", .json), .input),
        (.required("target", .json), .target),
        (.required("metadata", .json), .metadata),
    ]

    init(path: String) throws {
        output = try HashingFileOutput(path: path)
        writer = try ParquetWriter(
            columns: Self.layout.map(\.0), output: output,
            options: ParquetWriterOptions(rowGroupRows: 16_384, keyValueMetadata: ["expctl.format": "expctl dataset 1"])
        )
    }

    func append(_ row: CopyTextLine, split: Split) throws {
        for (index, (column, source)) in Self.layout.enumerated() {
            guard let source else {
                try writer.setString(index, utf8: Array(split.rawValue.utf8))
                continue
            }
            if row.isNull[source.rawValue] {
                guard column.isOptional else {
                    throw DatasetBuildError.malformedCopyLine("\(column.name) is NULL")
                }
                try writer.setNull(index)
                continue
            }
            switch column.type {
            case .string: try writer.setString(index, utf8: row.fields[source.rawValue])
            case .json: try writer.setJSON(index, utf8: row.fields[source.rawValue])
            case .int64, .timestamp:
                guard let value = row.integer(source.rawValue) else {
                    throw DatasetBuildError.malformedCopyLine("\(column.name) is not an integer")
                }
                if column.type == .timestamp {
                    try writer.setTimestamp(index, microseconds: value)
                } else {
                    try writer.setInt64(index, value)
                }
            case .double, .boolean:
                throw DatasetBuildError.malformedCopyLine("\(column.name) has an unexpected type")
            }
        }
        try writer.endRow()
    }

    func close() throws -> FileFacts {
        try writer.finish()
        return output.facts
    }
}

/// A Parquet output into a buffered file, hashed on the way.
private final class HashingFileOutput: ParquetOutput {
    private let file: BufferedFile
    private var hasher = ContentHash.Hasher()
    private var bytes: Int64 = 0
    private(set) var facts = FileFacts(sha256: "", bytes: 0)

    init(path: String) throws { file = try BufferedFile(path: path) }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        self.bytes += Int64(bytes.count)
        try file.write(bytes)
    }

    func close() throws {
        try file.close()
        facts = FileFacts(sha256: hasher.finalizeHex(), bytes: bytes)
    }
}
