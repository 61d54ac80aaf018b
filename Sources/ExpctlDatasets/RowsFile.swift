import ExpctlModel

/// Whether a row trains or validates.
enum Split: String {
    case train
    case validation

    /// Validation when the first 8 bytes of SHA-256(`"<seed>:<row_id>"`), big-endian, modulo
    /// 10,000 fall below `share × 10,000`: a function of the row and the seed, never of order.
    static func of(rowID: [UInt8], seed: Int, validationShare: Double) -> Split {
        var hasher = ContentHash.Hasher()
        hasher.update(Array("\(seed):".utf8))
        hasher.update(rowID)
        let digest = hasher.finalize()
        let head = digest[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return head % 10_000 < UInt64((validationShare * 10_000).rounded()) ? .validation : .train
    }
}

/// A place the rows of a build go, one line of the query at a time.
protocol DatasetRowSink: AnyObject {
    func append(_ line: CopyTextLine, split: Split) throws
    /// Finishes the file; its size and digest.
    func close() throws -> FileFacts
}

/// `data.jsonl`: one JSON object per row, `row_id`, `split`, `input`, `target`, `metadata`, in
/// that order, hashed as it is written (the hash is the dataset's content digest).
final class RowsFile: DatasetRowSink {
    private let file: BufferedFile
    private var hasher = ContentHash.Hasher()
    private var line: [UInt8] = []
    private var bytes: Int64 = 0

    init(path: String) throws { file = try BufferedFile(path: path) }

    func append(_ row: CopyTextLine, split: Split) throws {
        typealias Column = DatasetQuery.Column
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: #"{"row_id": "#.utf8)
        JSONText.appendString(row.fields[Column.rowID.rawValue], to: &line)
        line.append(contentsOf: #", "split": ""#.utf8)
        line.append(contentsOf: split.rawValue.utf8)
        line.append(contentsOf: #"", "input": "#.utf8)
        line.append(contentsOf: row.fields[Column.input.rawValue])
        line.append(contentsOf: #", "target": "#.utf8)
        line.append(contentsOf: row.fields[Column.target.rawValue])
        line.append(contentsOf: #", "metadata": "#.utf8)
        line.append(contentsOf: row.fields[Column.metadata.rawValue])
        line.append(contentsOf: "}\n".utf8)
        try write(line)
    }

    /// Writes one line as it is (the recipe catalogue's lines come from PostgreSQL whole).
    func write(_ line: [UInt8]) throws {
        line.withUnsafeBytes { hasher.update($0) }
        bytes += Int64(line.count)
        try file.write(line)
    }

    func close() throws -> FileFacts {
        try file.close()
        return FileFacts(sha256: hasher.finalizeHex(), bytes: bytes)
    }
}

/// JSON string literals from UTF-8 bytes.
enum JSONText {
    static func appendString(_ bytes: [UInt8], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
