// PostgresError and the one helper through which every libpq outcome is checked.
//
// All wording users see lives in this file. Every text that comes from libpq or the server
// passes through a `PasswordScrubber` before it is stored in an error.
import CLibPQ

/// A failure talking to PostgreSQL, with a one-line message for users (`description`) and the
/// server's or libpq's own fields for programs and logs.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Connecting failed, or the connection broke during a call.
        case connection
        /// The server rejected a statement (see `sqlState`), or a statement could not be sent
        /// as it was (a NUL character in its text or a parameter).
        case query
        /// Beginning or committing a transaction failed, a commit turned into a rollback, or a
        /// transaction was started inside another.
        case transaction
        /// libpq returned something a plain statement never produces, such as the start of a COPY.
        case protocolViolation
    }

    public var kind: Kind
    /// The server's five-character SQLSTATE, e.g. "23505"; nil for errors raised by libpq or by
    /// this module.
    public var sqlState: String?
    /// The server's primary message, or libpq's error message, without surrounding whitespace.
    /// It may span lines (libpq's connection errors do); `description` joins them.
    public var message: String
    /// The server's detail, e.g. "Key (id)=(1) already exists."
    public var detail: String?
    /// The server's hint, e.g. "No function matches the given name and argument types. ..."
    public var hint: String?
    /// The libpq function that failed or whose result reported the problem ("PQexecParams" also
    /// for a statement refused before it was sent).
    public var function: String

    /// One line: what failed, the message, detail, hint and SQLSTATE.
    public var description: String {
        var text = "\(summary): \(oneLine(message))"
        if let detail { text += "; \(oneLine(detail))" }
        if let hint { text += "; hint: \(oneLine(hint))" }
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        return text
    }

    private var summary: String {
        switch kind {
        case .connection:
            function == connectFunction ? "cannot connect to PostgreSQL" : "lost the connection to PostgreSQL"
        case .query: "query failed"
        case .transaction: "transaction failed"
        case .protocolViolation: "unexpected reply from PostgreSQL"
        }
    }

    init(
        kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, function: String
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.function = function
    }
}

/// The name errors from opening a connection carry.
let connectFunction = "PQconnectdbParams"

/// Throws the typed error for a libpq call that did not succeed. Call it right after the call,
/// before any other libpq call on `connection`, which would replace `PQerrorMessage`.
///
/// - Parameters:
///   - succeeded: whether the call's outcome is the one wanted (a connection status of
///     `CONNECTION_OK`, a result status of a completed command).
///   - kind: what a failure is, unless the connection itself broke (then it is `.connection`)
///     or libpq returned an unexpected kind of result (`.protocolViolation`).
///   - result: the call's `PGresult`, if it returned one; its fields are preferred to
///     `PQerrorMessage`.
func check(
    _ succeeded: Bool, _ function: String, _ kind: PostgresError.Kind, connection: OpaquePointer,
    result: OpaquePointer? = nil, scrubbing scrubber: PasswordScrubber
) throws(PostgresError) {
    guard !succeeded else { return }
    let connectionBroke = PQstatus(connection) != CONNECTION_OK
    let error: PostgresError
    if let result, PQresultStatus(result) == PGRES_FATAL_ERROR {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { trimmed(String(cString: $0)) }
        }
        let message = field(DiagnosticField.primaryMessage) ?? trimmed(String(cString: PQresultErrorMessage(result)))
        error = PostgresError(
            kind: connectionBroke ? .connection : kind, sqlState: field(DiagnosticField.sqlState),
            message: message, detail: field(DiagnosticField.detail), hint: field(DiagnosticField.hint),
            function: function)
    } else if let result {
        let status = String(cString: PQresStatus(PQresultStatus(result)))
        let libpqMessage = trimmed(String(cString: PQresultErrorMessage(result)))
        error = PostgresError(
            kind: .protocolViolation,
            message: libpqMessage.isEmpty
                ? "libpq returned \(status), which this adapter does not handle (it does not support COPY)"
                : "libpq returned \(status): \(libpqMessage)",
            function: function)
    } else {
        error = PostgresError(
            kind: connectionBroke ? .connection : kind,
            message: trimmed(String(cString: PQerrorMessage(connection))), function: function)
    }
    throw scrubber.scrub(error)
}

extension PasswordScrubber {
    /// The error with every text from libpq or the server scrubbed.
    func scrub(_ error: PostgresError) -> PostgresError {
        var error = error
        error.message = scrub(error.message)
        error.detail = error.detail.map(scrub)
        error.hint = error.hint.map(scrub)
        return error
    }
}

/// The `PG_DIAG_*` field codes of `postgres_ext.h` that errors carry. They are character
/// literal macros ('C', 'M', ...), which Swift does not import.
private enum DiagnosticField {
    static let sqlState = Int32(UInt8(ascii: "C"))  // PG_DIAG_SQLSTATE
    static let primaryMessage = Int32(UInt8(ascii: "M"))  // PG_DIAG_MESSAGE_PRIMARY
    static let detail = Int32(UInt8(ascii: "D"))  // PG_DIAG_MESSAGE_DETAIL
    static let hint = Int32(UInt8(ascii: "H"))  // PG_DIAG_MESSAGE_HINT
}

/// libpq's messages end in a newline.
private func trimmed(_ text: String) -> String {
    String(text[...].trimmingWhitespace())
}

/// The lines of `text`, trimmed and joined with "; " (libpq indents the second line of its
/// connection errors).
private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline)
        .map { $0.trimmingWhitespace() }
        .filter { !$0.isEmpty }
        .joined(separator: "; ")
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
