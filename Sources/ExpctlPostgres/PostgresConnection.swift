import CLibPQ
import ExpctlInstrumentation

/// One connection to PostgreSQL.
///
/// Not thread-safe, like the `PGconn` it owns: confine each connection to one thread, and do
/// not share it between tasks. Every call blocks that thread until the server answers, so keep
/// connections off Swift's cooperative thread pool (or on a synchronous path).
public final class PostgresConnection {
    let handle: ConnectionHandle
    /// The settings' passwords and the one libpq used, kept out of every error.
    let scrubber: PasswordScrubber
    /// Called with the SQL text of each statement before it is sent: for tests that pin down
    /// how many round trips something takes, and for logs.
    public var statementObserver: ((String) -> Void)?

    /// Connects, blocking until the server accepts or libpq gives up. libpq waits for an
    /// unreachable host as long as the operating system does unless the URL has a
    /// `connect_timeout` (or PGCONNECT_TIMEOUT is set).
    public init(_ settings: ConnectionSettings) throws(PostgresError) {
        let parameters = settings.libpqParameters
        let pointer = withCStringArray(parameters.map(\.keyword)) { keywords in
            withCStringArray(parameters.map(\.value)) { values in
                PQconnectdbParams(keywords, values, 1)  // expand_dbname: libpq parses the URL
            }
        }
        guard let pointer else {
            throw PostgresError(
                kind: .connection, message: "libpq could not allocate a connection", function: connectFunction)
        }
        handle = ConnectionHandle(pointer)  // from here on, PQfinish runs also if connecting failed
        var scrubber = settings.scrubber
        if let used = PQpass(pointer) { scrubber.add(String(cString: used)) }
        self.scrubber = scrubber
        // Without a processor of its own, libpq prints the server's NOTICEs and WARNINGs to
        // stderr, in the middle of expctl's output. Nothing here needs them, so they are dropped.
        // (Notices sent while the connection starts up, before this runs, still reach stderr.)
        PQsetNoticeProcessor(pointer, { _, _ in }, nil)
        try check(
            PQstatus(pointer) == CONNECTION_OK, connectFunction, .connection, connection: pointer,
            scrubbing: scrubber)
    }

    /// The server's version, e.g. "15.20".
    public var serverVersion: String {
        PostgresLibrary.versionString(Int(PQserverVersion(handle.pointer)))
    }

    /// Runs one statement (`PQexecParams`) with `parameters` bound to `$1`, `$2`, ... and
    /// returns what it returned. Parameters never become part of the SQL text, so quotes and
    /// semicolons in them are data; a statement is exactly one command.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws(PostgresError) -> PostgresResult {
        try execute(sql, parameters, failing: .query)
    }

    /// `execute`, with failures the server reports classified as `kind`.
    @discardableResult
    func execute(
        _ sql: String, _ parameters: [PostgresValue], failing kind: PostgresError.Kind
    ) throws(PostgresError) -> PostgresResult {
        // A C string ends at the first NUL, so such text would be cut short, silently.
        if sql.utf8.contains(0) {
            throw PostgresError(
                kind: .query, message: "the SQL text contains a NUL character", function: "PQexecParams")
        }
        let texts = parameters.map(\.text)
        if let index = texts.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(
                kind: .query,
                message: "parameter $\(index + 1) contains a NUL character, which PostgreSQL text cannot hold",
                function: "PQexecParams")
        }
        statementObserver?(sql)
        let started = ContinuousClock.now
        let result = withCStringArray(texts) { values in
            PQexecParams(handle.pointer, sql, Int32(texts.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }  // PQclear(NULL) does nothing
        let completed = result.map { [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY].contains(PQresultStatus($0)) }
        let elapsed = (ContinuousClock.now - started).components
        CallTimings.record(
            .postgres, nanoseconds: elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000,
            failed: completed != true)
        try check(
            completed ?? false, "PQexecParams", kind, connection: handle.pointer, result: result,
            scrubbing: scrubber)
        return PostgresResult(copying: result!)
    }

    /// Where the connection is in a transaction block, as libpq tracks it.
    var transactionStatus: PGTransactionStatusType {
        PQtransactionStatus(handle.pointer)
    }
}

@available(*, unavailable, message: "a PostgresConnection must stay on one thread")
extension PostgresConnection: Sendable {}

/// Owns a `PGconn *` and finishes it when released, also when connecting failed (libpq
/// allocates the connection either way).
final class ConnectionHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQfinish(pointer) }
}

/// Calls `body` with a C array of the strings (NULL for nil) followed by a NULL terminator,
/// valid only during the call.
private func withCStringArray<R>(
    _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { string in
        string.map { string in
            let utf8 = string.utf8CString
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
            utf8.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: $0.count) }
            return copy
        }
    }
    defer { for copy in copies { copy?.deallocate() } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
