import Foundation

/// Sends HTTP requests: the port the MLflow client talks to. `CurlTransport` is the real one;
/// tests of a client may plug in a scripted one.
public protocol HTTPTransport {
    /// Sends `request` (retrying as the transport's policy allows) and returns the response.
    /// A non-2xx status is a response, not an error: only a request that got no usable answer
    /// throws.
    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse
}

/// Credentials a transport sends with every request as an `Authorization` header, the way
/// MLflow's client does with `MLFLOW_TRACKING_TOKEN` or `MLFLOW_TRACKING_USERNAME`/`_PASSWORD`.
///
/// Their secrets never appear in a description: `description` is masked, and every error a
/// transport throws is scrubbed of them.
public enum HTTPCredentials: Sendable, CustomStringConvertible {
    case bearer(String)
    case basic(user: String, password: String)

    /// The `Authorization` header's value.
    var authorization: String {
        switch self {
        case .bearer(let token): "Bearer \(token)"
        case .basic(let user, let password): "Basic \(Self.base64("\(user):\(password)"))"
        }
    }

    /// The secrets of these credentials: the token or password, and the encoded basic pair
    /// (`SecretScrubber` also masks their percent-encoded forms).
    public var secrets: [String] {
        switch self {
        case .bearer(let token): [token]
        case .basic(let user, let password): [password, Self.base64("\(user):\(password)")]
        }
    }

    public var description: String {
        switch self {
        case .bearer: "bearer token \(SecretScrubber.mask)"
        case .basic(let user, _): "basic \(user):\(SecretScrubber.mask)"
        }
    }

    private static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}
