import ExpctlParquet
import Foundation

struct ReadBackError: Error, CustomStringConvertible {
    var description: String
}

/// A filter for `read_table(filters=[(column, '=', value)])`; the value as read_parquet.py
/// takes it (kind: string, int, double, bool, timestamp).
struct EqualityFilter: Encodable {
    var column: String
    var kind: String
    var value: String

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(column)
        try container.encode(kind)
        try container.encode(value)
    }
}

/// What pyarrow and pandas read from a file (read_parquet.py), each value encoded as
/// `encodedForReadBack` encodes the written ones.
struct ReadBack: Decodable {
    struct RowGroup: Decodable {
        var numRows: Int
        var columns: [ChunkStatistics]
    }

    struct ChunkStatistics: Decodable, Equatable {
        var nullCount: Int?
        var hasMinMax: Bool
        var min: String?
        var max: String?
    }

    var numRows: Int
    var createdBy: String
    var metadata: [String: String]
    var arrowTypes: [String: String]
    var nullable: [String: Bool]
    var logicalTypes: [String: String]
    var columns: [String: [String?]]
    var rowGroups: [RowGroup]
    var pandasRows: Int
    var pandasDtypes: [String: String]
    var pandas: [String: [String?]]
    var filtered: [[String: [String?]]]
}

/// Reads the file at `path` with the Python of EXPCTL_TEST_PYTHON (pyarrow, pandas), checking
/// page CRCs and validating the table fully. A wrong file can make pyarrow hang, hence the timeout.
func readWithPyarrow(_ path: String, filters: [EqualityFilter] = [], timeout: TimeInterval = 180) throws -> ReadBack {
    guard let python = ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"], !python.isEmpty else {
        throw ReadBackError(
            description: "EXPCTL_TEST_PYTHON is not set: run the Parquet tests with scripts/test, which sets it to the "
                + "MLflow environment's python (pyarrow, pandas) that reads the files back")
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("read_parquet.py")
    let outputURL = URL(fileURLWithPath: path + ".out.json")
    let errorURL = URL(fileURLWithPath: path + ".err.txt")
    guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
        FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    else { throw ReadBackError(description: "cannot create the output files beside \(path)") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script.path, path, String(decoding: try JSONEncoder().encode(filters), as: UTF8.self)]
    // Files, not pipes: a large output would fill a pipe nobody reads until the process ends.
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    if exited.wait(timeout: .now() + timeout) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        exited.wait()
        throw ReadBackError(description: "pyarrow did not finish reading \(path) within \(Int(timeout)) s")
    }
    guard process.terminationStatus == 0 else {
        let stderr = (try? String(contentsOf: errorURL, encoding: .utf8)) ?? ""
        let status = process.terminationStatus
        throw ReadBackError(description: "pyarrow could not read \(path) (exit status \(status)): \(stderr)")
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(ReadBack.self, from: try Data(contentsOf: outputURL))
}

/// A fresh directory for one test's files, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-parquet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

extension ParquetValue {
    /// The value as read_parquet.py prints what it read.
    var encodedForReadBack: String? {
        switch self {
        case .null: nil
        case .string(let text), .json(let text): hex(Array(text.utf8))
        case .int64(let value), .timestamp(let value): String(value)
        case .double(let value): String(value.bitPattern)
        case .boolean(let value): value ? "true" : "false"
        }
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// The rows written, column by column, encoded as read_parquet.py prints them.
func encodedColumns(_ columns: [ParquetColumn], _ rows: [[ParquetValue]]) -> [String: [String?]] {
    var encoded: [String: [String?]] = [:]
    for (index, column) in columns.enumerated() {
        encoded[column.name] = rows.map { $0[index].encodedForReadBack }
    }
    return encoded
}

/// Writes `rows` to a file with a new writer and returns the file's path.
@discardableResult
func writeFile(
    _ path: String, _ columns: [ParquetColumn], _ rows: [[ParquetValue]],
    options: ParquetWriterOptions = ParquetWriterOptions()
) throws -> String {
    let writer = try ParquetWriter(columns: columns, output: try ParquetFileOutput(path: path), options: options)
    for row in rows { try writer.append(row: row) }
    try writer.finish()
    return path
}
