import CLibPQ

extension PostgresConnection {
    /// Runs `COPY (query) TO STDOUT` (or any `COPY … TO STDOUT`) and hands each line the server
    /// sends to `receive`, as it arrives: the result never sits in memory whole. Returns the
    /// number of lines.
    ///
    /// COPY takes no parameters: `sql` must be complete (quote literals with
    /// `PostgresLiteral`). Each line is one row in COPY's text format, ending in a newline;
    /// the buffer is valid only during the call. If `receive` throws, the COPY is cancelled,
    /// what is left of it drained, and the error rethrown; the connection stays usable.
    @discardableResult
    public func copyOut(
        _ sql: String, _ receive: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        if sql.utf8.contains(0) {
            throw PostgresError(kind: .query, message: "the SQL text contains a NUL character", function: "PQexec")
        }
        statementObserver?(sql)
        let started = PQexec(handle.pointer, sql)
        defer { PQclear(started) }
        try check(
            started.map { PQresultStatus($0) == PGRES_COPY_OUT } ?? false, "PQexec", .query,
            connection: handle.pointer, result: started, scrubbing: scrubber)
        var lines = 0
        var receiverError: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle.pointer, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                guard receiverError == nil else { continue }
                do {
                    try receive(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                    lines += 1
                } catch {
                    receiverError = error
                    cancelRunningStatement()
                }
                continue
            }
            if length == -1 { break }  // the COPY is done; its result follows
            if let receiverError {
                PQclear(drainResults())
                throw receiverError
            }
            try check(false, "PQgetCopyData", .query, connection: handle.pointer, scrubbing: scrubber)
        }
        let failure = drainResults()
        defer { PQclear(failure) }
        // A cancelled COPY ends in an error of its own (57014); the receiver's error is the news.
        if let receiverError { throw receiverError }
        try check(
            failure == nil, "PQgetResult", .query, connection: handle.pointer, result: failure, scrubbing: scrubber)
        return lines
    }

    /// Asks the server to cancel the statement this connection is running (`PQcancel`).
    private func cancelRunningStatement() {
        guard let cancel = PQgetCancel(handle.pointer) else { return }
        defer { PQfreeCancel(cancel) }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
    }

    /// Reads every result left after a COPY and returns the first that is not a completed
    /// command, if any, for the caller to check and clear.
    private func drainResults() -> OpaquePointer? {
        var failure: OpaquePointer?
        while let result = PQgetResult(handle.pointer) {
            if failure == nil, PQresultStatus(result) != PGRES_COMMAND_OK {
                failure = result
            } else {
                PQclear(result)
            }
        }
        return failure
    }
}

/// SQL literals for statements that cannot take parameters, such as COPY.
public enum PostgresLiteral {
    /// `text` as a string literal: single quotes, each `'` doubled (with standard-conforming
    /// strings, PostgreSQL's default since 9.1, backslashes are plain characters). Text with
    /// a NUL character cannot be a literal: nil.
    public static func string(_ text: String) -> String? {
        guard !text.utf8.contains(0) else { return nil }
        return "'" + text.replacingAll("'", with: "''") + "'"
    }

    /// `name` as a quoted identifier: double quotes, each `"` doubled; nil with a NUL.
    public static func identifier(_ name: String) -> String? {
        guard !name.utf8.contains(0) else { return nil }
        return "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingAll(_ character: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count + 2)
        for item in self { if item == character { result += replacement } else { result.append(item) } }
        return result
    }
}
