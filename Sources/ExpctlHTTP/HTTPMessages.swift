// The request and response values an `HTTPTransport` exchanges. Plain data: no libcurl here.

/// One HTTP request.
public struct HTTPRequest: Sendable {
    /// The method as sent, e.g. "GET" or "PATCH". Methods are case-sensitive on the wire.
    public var method: String
    /// An absolute http:// or https:// URL. Userinfo (`user:password@`) in it is sent as basic
    /// authentication and never shown in errors.
    public var url: String
    /// Header fields in the order they are sent; a name may repeat. A field given here replaces
    /// the one libcurl or the transport would add under the same name (`Authorization` included).
    public var headers: [(String, String)]
    /// The body; nil sends none (POST, PUT and PATCH then send an empty body with
    /// `Content-Length: 0`). No `Content-Type` is added: set one in `headers`.
    public var body: [UInt8]?
    /// Whether sending the request twice has the same effect as sending it once, so that the
    /// transport may repeat it after a failure in which the server may have received it.
    public var isIdempotent: Bool

    /// - Parameter isIdempotent: defaults to true for GET, HEAD, PUT, DELETE and OPTIONS and to
    ///   false for everything else (POST, PATCH): pass true for a POST that is safe to repeat,
    ///   such as a search.
    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        isIdempotent: Bool? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.isIdempotent = isIdempotent ?? Self.idempotentMethods.contains(method.uppercased())
    }

    /// The methods RFC 9110 defines as idempotent, less TRACE, which expctl never sends.
    public static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]

    public static func get(_ url: String, headers: [(String, String)] = []) -> HTTPRequest {
        HTTPRequest(method: "GET", url: url, headers: headers)
    }

    public static func post(
        _ url: String, headers: [(String, String)] = [], body: [UInt8]?, isIdempotent: Bool = false
    ) -> HTTPRequest {
        HTTPRequest(method: "POST", url: url, headers: headers, body: body, isIdempotent: isIdempotent)
    }

    public static func put(_ url: String, headers: [(String, String)] = [], body: [UInt8]?) -> HTTPRequest {
        HTTPRequest(method: "PUT", url: url, headers: headers, body: body)
    }

    public static func patch(
        _ url: String, headers: [(String, String)] = [], body: [UInt8]?, isIdempotent: Bool = false
    ) -> HTTPRequest {
        HTTPRequest(method: "PATCH", url: url, headers: headers, body: body, isIdempotent: isIdempotent)
    }

    public static func delete(_ url: String, headers: [(String, String)] = []) -> HTTPRequest {
        HTTPRequest(method: "DELETE", url: url, headers: headers)
    }
}

/// The final response to a request: any status, redirects and errors included.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields by lower-cased name. A repeated field's values are joined with ", " in the
    /// order received (RFC 9110 section 5.3).
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8, invalid sequences replaced with U+FFFD.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The value of a header field, by name in any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
