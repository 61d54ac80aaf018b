import CLibPQ

/// What a statement returned, copied out of libpq: column names, rows of text values (nil for
/// NULL) and the number of rows affected.
public struct PostgresResult: Sendable {
    public var columns: [String]
    /// Each value in PostgreSQL's text output format, e.g. "t" for true, "2024-05-01
    /// 12:30:00+00" for a timestamptz (the format follows the session's settings).
    public var rows: [[String?]]
    /// The rows a command inserted, updated, deleted, selected, ... (from the command tag); 0
    /// for commands that do not count rows.
    public var affectedRows: Int
    /// The command tag, e.g. "INSERT 0 1", "SELECT 3", "COMMIT" (a COMMIT that rolled back
    /// says "ROLLBACK").
    public var commandTag: String

    /// Copies everything out of `result`; the caller still owns and clears it.
    init(copying result: OpaquePointer) {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        rows = (0..<rowCount).map { row in
            (0..<columnCount).map { column -> String? in
                guard PQgetisnull(result, row, column) == 0 else { return nil }
                let bytes = UnsafeRawBufferPointer(
                    start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        commandTag = String(cString: PQcmdStatus(result))
        affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// The value in `row` of the first column named `column`, nil for NULL.
    ///
    /// A row out of range or a column the result does not have is a programming error and
    /// stops the program, as an array index out of range does.
    public func string(_ row: Int, _ column: String) -> String? {
        precondition(rows.indices.contains(row), "row \(row) of a result with \(rows.count) rows")
        guard let index = columns.firstIndex(of: column) else {
            preconditionFailure("no column '\(column)' in a result with columns \(columns)")
        }
        return rows[row][index]
    }

    /// The value as an integer; nil for NULL or text that is not one.
    public func int(_ row: Int, _ column: String) -> Int64? {
        string(row, column).flatMap { Int64($0) }
    }

    /// The value as a double, including "NaN", "Infinity" and "-Infinity"; nil for NULL or text
    /// that is not a number.
    public func double(_ row: Int, _ column: String) -> Double? {
        string(row, column).flatMap { Double($0) }
    }

    /// The value of a boolean column ("t" or "f"); nil for NULL or any other text.
    public func bool(_ row: Int, _ column: String) -> Bool? {
        switch string(row, column) {
        case "t": true
        case "f": false
        default: nil
        }
    }
}
