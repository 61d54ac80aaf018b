/// A failure talking to MLflow: its own error (`error_code` and message, from a JSON body), an
/// answer that is not MLflow's JSON (an HTML 404 from a wrong URL, a proxy's 502), or no answer.
public struct MLflowError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// MLflow answered with `{"error_code", "message"}`.
        case api(code: String)
        /// A status with a body that is not MLflow's error JSON.
        case unexpectedAnswer
        /// No usable answer (connection, timeout, TLS), after the transport's retries.
        case transport
        /// Not sent: MLflow would refuse the request or, worse, misread it (a `..` in an
        /// artifact path, a filter value MLflow's syntax cannot express).
        case refused
    }

    public var kind: Kind
    public var status: Int?
    public var message: String
    /// `GET registered-models/get` and the like, for the message.
    public var call: String

    public var description: String {
        switch kind {
        case .api(let code): "MLflow \(call): \(code): \(message)"
        case .unexpectedAnswer: "MLflow \(call): unexpected answer (HTTP \(status.map(String.init) ?? "?")): \(message)"
        case .transport: "MLflow \(call): \(message)"
        case .refused: "MLflow \(call): \(message) (refused before sending)"
        }
    }

    /// `RESOURCE_DOES_NOT_EXIST`: the thing asked for is not there.
    public var isNotFound: Bool { kind == .api(code: "RESOURCE_DOES_NOT_EXIST") }
    public var isAlreadyExisting: Bool { kind == .api(code: "RESOURCE_ALREADY_EXISTS") }
}
