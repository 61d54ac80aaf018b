/// The fields of one line of PostgreSQL's COPY text format: tab-separated, `\N` for NULL, and
/// backslash escapes (`\\`, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`) undone.
///
/// Reused from line to line so that a build of millions of rows allocates nothing per row: the
/// buffers keep their capacity.
struct CopyTextLine {
    private(set) var fields: [[UInt8]]
    private(set) var isNull: [Bool]

    init(columns: Int) {
        fields = Array(repeating: [], count: columns)
        isNull = Array(repeating: false, count: columns)
        for index in fields.indices { fields[index].reserveCapacity(256) }
    }

    /// Reads `line` (one COPY line, with or without its newline); throws unless it has exactly
    /// the expected number of fields.
    mutating func parse(_ line: UnsafeRawBufferPointer) throws(DatasetBuildError) {
        var bytes = line.bindMemory(to: UInt8.self)
        if bytes.last == UInt8(ascii: "\n") { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        var column = 0
        var start = 0
        let count = fields.count
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\t") {
            guard column < count else { throw .malformedCopyLine("more than \(count) fields") }
            store(UnsafeBufferPointer(rebasing: bytes[start..<index]), at: column)
            column += 1
            start = index + 1
        }
        guard column == count else { throw .malformedCopyLine("\(column) fields, expected \(count)") }
    }

    private mutating func store(_ raw: UnsafeBufferPointer<UInt8>, at column: Int) {
        fields[column].removeAll(keepingCapacity: true)
        if raw.count == 2, raw[0] == UInt8(ascii: "\\"), raw[1] == UInt8(ascii: "N") {
            isNull[column] = true
            return
        }
        isNull[column] = false
        guard raw.contains(UInt8(ascii: "\\")) else {
            fields[column].append(contentsOf: raw)
            return
        }
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte == UInt8(ascii: "\\"), index + 1 < raw.count {
                index += 1
                switch raw[index] {
                case UInt8(ascii: "t"): fields[column].append(0x09)
                case UInt8(ascii: "n"): fields[column].append(0x0A)
                case UInt8(ascii: "r"): fields[column].append(0x0D)
                case UInt8(ascii: "b"): fields[column].append(0x08)
                case UInt8(ascii: "f"): fields[column].append(0x0C)
                case UInt8(ascii: "v"): fields[column].append(0x0B)
                default: fields[column].append(raw[index])  // `\\` and any other escaped byte
                }
            } else {
                fields[column].append(byte)
            }
            index += 1
        }
    }

    /// The field as text; nil for NULL.
    func text(_ column: Int) -> String? {
        isNull[column] ? nil : String(decoding: fields[column], as: UTF8.self)
    }

    /// The field as a decimal integer; nil for NULL or anything else.
    func integer(_ column: Int) -> Int64? {
        guard !isNull[column] else { return nil }
        return Int64(String(decoding: fields[column], as: UTF8.self))
    }
}
