// `COPY ... FROM STDIN` in text format: rows are buffered and sent in chunks, and the COPY is
// one statement, so a bad row anywhere leaves nothing behind.
import CLibPQ

extension PostgresConnection {
    /// The size of the chunks `copyIn` hands to libpq unless told otherwise.
    public static let defaultCopyChunkSize = 256 * 1024

    /// Runs one `COPY table (columns) FROM STDIN` (text format, the default) and streams the rows
    /// `body` writes to the server; returns the number of rows the server copied.
    ///
    /// The server reports a bad row (a value of the wrong type, a violated constraint) when the
    /// data ends, so the error comes from this call, not from the write that sent the row; the
    /// COPY is then rolled back as a whole. If `body` throws, the COPY is abandoned the same way
    /// and the body's error rethrown. Either way the connection is ready for the next statement.
    /// Inside `transaction`, a failed COPY aborts the transaction like any failed statement.
    ///
    /// - Parameters:
    ///   - chunkSize: how many bytes are buffered before they are handed to libpq
    ///     (`PQputCopyData`); rows are never split across calls on purpose, but may be.
    ///   - body: writes the rows; the writer must not be used after it returns.
    @discardableResult
    public func copyIn(
        _ sql: String, chunkSize: Int = defaultCopyChunkSize, _ body: (CopyInWriter) throws -> Void
    ) throws -> Int {
        precondition(chunkSize > 0, "a COPY chunk size must be positive")
        if sql.utf8.contains(0) {
            throw PostgresError(
                kind: .query, message: "the SQL text contains a NUL character", function: "PQexecParams")
        }
        statementObserver?(sql)
        let pointer = handle.pointer
        let started = PQexecParams(pointer, sql, 0, nil, nil, nil, nil, 0)
        defer { PQclear(started) }
        try checkCopyInStarted(started)

        let writer = CopyInWriter(connection: pointer, scrubber: scrubber, chunkSize: chunkSize)
        var bodyError: (any Error)?
        do {
            try body(writer)
            try writer.flush()
        } catch {
            bodyError = error
        }
        writer.isOpen = false
        return try finishCopyIn(abandoning: bodyError)
    }

    /// Throws unless `result` says the server is waiting for COPY data.
    private func checkCopyInStarted(_ result: OpaquePointer?) throws(PostgresError) {
        guard let result, PQresultStatus(result) != PGRES_FATAL_ERROR else {
            try check(false, "PQexecParams", .query, connection: handle.pointer, result: result, scrubbing: scrubber)
            return
        }
        let status = PQresultStatus(result)
        guard status == PGRES_COPY_IN else {
            // libpq leaves a COPY TO STDOUT on the next statement; anything else is over already.
            let name = String(cString: PQresStatus(status))
            throw PostgresError(
                kind: .protocolViolation, message: "copyIn runs COPY ... FROM STDIN, but the statement gave \(name)",
                function: "PQexecParams")
        }
    }

    /// Ends the data (or abandons the COPY when `bodyError` is set), reads the COPY's outcome and
    /// the end of the command; returns the rows copied.
    private func finishCopyIn(abandoning bodyError: (any Error)?) throws -> Int {
        let pointer = handle.pointer
        // The message goes to the server, which quotes it in its error; it names nothing secret.
        let ended = PQputCopyEnd(pointer, bodyError == nil ? nil : "the client abandoned the COPY")
        if ended != 1, bodyError == nil {
            try check(false, "PQputCopyEnd", .query, connection: pointer, scrubbing: scrubber)
        }
        let result = PQgetResult(pointer)
        defer { PQclear(result) }
        var outcome: PostgresError?
        do {
            let copied = result.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
            try check(copied, "PQgetResult", .query, connection: pointer, result: result, scrubbing: scrubber)
        } catch {
            outcome = error
        }
        if result != nil { drainResults(pointer) }
        if let bodyError { throw bodyError }
        if let outcome { throw outcome }
        return Int(String(cString: PQcmdTuples(result!))) ?? 0
    }
}

/// Reads results until libpq says the command is done (NULL). A connection still in COPY mode
/// answers every call with another COPY result, so that ends the loop too.
private func drainResults(_ connection: OpaquePointer) {
    while let extra = PQgetResult(connection) {
        let status = PQresultStatus(extra)
        PQclear(extra)
        if [PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH].contains(status) { return }
    }
}

/// The rows of one `copyIn`, written field by field in COPY's text format and sent in chunks.
///
/// Fields of a row are written in the COPY's column order with `append` (or `appendNull`), and
/// `endRow` ends the row. Valid only inside the `copyIn` body it was given to.
public final class CopyInWriter {
    private let connection: OpaquePointer
    private let scrubber: PasswordScrubber
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var atRowStart = true
    /// The 1-based position in its row of the field last written, for messages.
    private var fieldNumber = 0
    fileprivate var isOpen = true
    /// Rows ended so far.
    public private(set) var rowCount = 0
    /// `PQputCopyData` calls so far.
    public private(set) var chunksSent = 0
    /// Bytes handed to libpq so far.
    public private(set) var bytesSent = 0

    fileprivate init(connection: OpaquePointer, scrubber: PasswordScrubber, chunkSize: Int) {
        self.connection = connection
        self.scrubber = scrubber
        self.chunkSize = chunkSize
        buffer.reserveCapacity(chunkSize + chunkSize / 4)
    }

    /// Appends a text field, escaped. Text with a NUL character is refused: PostgreSQL text
    /// cannot hold it.
    public func append(_ text: String) throws(PostgresError) {
        separate()
        guard CopyTextFormat.append(text, to: &buffer) else { throw nulError() }
    }

    /// Appends a text field given as UTF-8 bytes, escaped like `append(_:)`: for callers that
    /// build large fields (JSON documents) in a reusable buffer rather than as strings. Bytes
    /// that are not UTF-8 are the server's to refuse.
    public func append(utf8 bytes: [UInt8]) throws(PostgresError) {
        separate()
        let appended = bytes.withUnsafeBufferPointer { CopyTextFormat.append(utf8: $0, to: &buffer) }
        guard appended else { throw nulError() }
    }

    private func nulError() -> PostgresError {
        PostgresError(
            kind: .query,
            message: "field \(fieldNumber) of row \(rowCount + 1) contains a NUL character,"
                + " which PostgreSQL text cannot hold",
            function: "PQputCopyData")
    }

    public func append(_ value: Int) {
        separate()
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Appends a number as `PostgresValue.double` spells it (NaN and the infinities included).
    public func append(_ value: Double) {
        separate()
        buffer.append(contentsOf: (PostgresValue.double(value).text ?? "").utf8)
    }

    public func appendNull() {
        separate()
        buffer.append(contentsOf: CopyTextFormat.null.utf8)
    }

    /// Appends a value as one field (a timestamp as RFC 3339, JSON as its text, `.null` as NULL).
    public func append(_ value: PostgresValue) throws(PostgresError) {
        if let text = value.text { try append(text) } else { appendNull() }
    }

    /// Ends the row, and sends the buffer once it holds a chunk.
    public func endRow() throws(PostgresError) {
        precondition(isOpen, "a CopyInWriter is used only inside the copyIn body it was given to")
        buffer.append(UInt8(ascii: "\n"))
        atRowStart = true
        fieldNumber = 0
        rowCount += 1
        if buffer.count >= chunkSize { try flush() }
    }

    /// Appends a whole row: `append` for each value, then `endRow`.
    public func appendRow(_ values: [PostgresValue]) throws(PostgresError) {
        for value in values { try append(value) }
        try endRow()
    }

    /// Hands what is buffered to libpq.
    func flush() throws(PostgresError) {
        precondition(isOpen, "a CopyInWriter is used only inside the copyIn body it was given to")
        precondition(atRowStart, "a COPY row was left unfinished: call endRow after its last field")
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
        }
        try check(sent == 1, "PQputCopyData", .query, connection: connection, scrubbing: scrubber)
        chunksSent += 1
        bytesSent += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func separate() {
        if !atRowStart { buffer.append(UInt8(ascii: "\t")) }
        atRowStart = false
        fieldNumber += 1
    }
}

@available(*, unavailable, message: "a CopyInWriter belongs to its connection's thread")
extension CopyInWriter: Sendable {}

/// PostgreSQL's COPY text format for one field: backslash, tab, newline and carriage return are
/// escaped with a backslash; `\N` is NULL.
public enum CopyTextFormat {
    /// The field that stands for SQL NULL.
    public static let null = "\\N"

    /// `text` as one field; nil if it holds a NUL character, which PostgreSQL text cannot.
    public static func escape(_ text: String) -> String? {
        var bytes: [UInt8] = []
        guard append(text, to: &bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` escaped to `buffer`; false, with nothing appended, if it holds a NUL.
    static func append(_ text: String, to buffer: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { append(utf8: $0, to: &buffer) }
    }

    /// The same for UTF-8 bytes.
    static func append(utf8 bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) -> Bool {
        var plain = true
        for byte in bytes {
            switch byte {
            case 0: return false
            case backslash, tab, newline, carriageReturn: plain = false
            default: break
            }
        }
        if plain {
            buffer.append(contentsOf: bytes)
            return true
        }
        for byte in bytes {
            switch byte {
            case backslash: buffer.append(contentsOf: [backslash, backslash])
            case tab: buffer.append(contentsOf: [backslash, UInt8(ascii: "t")])
            case newline: buffer.append(contentsOf: [backslash, UInt8(ascii: "n")])
            case carriageReturn: buffer.append(contentsOf: [backslash, UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
        return true
    }

    private static let backslash = UInt8(ascii: "\\")
    private static let tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
}
