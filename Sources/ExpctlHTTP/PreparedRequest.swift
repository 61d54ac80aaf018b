// Checking a request once before its first attempt, and the header lines libcurl is given.
// Pure: no libcurl here.

/// A request checked and turned into what libcurl needs: the header lines to send (the
/// caller's, the credentials', and the ones that switch off libcurl's own defaults) and how the
/// method is expressed.
struct PreparedRequest {
    var method: String
    var url: String
    /// "Name: value" lines, in order; "Name;" sends a field with an empty value ("Name:" would
    /// make libcurl drop the field).
    var headerLines: [String]
    /// The bytes to send; nil for a request without a body.
    var body: [UInt8]?
    var isIdempotent: Bool

    /// Checks `request` and adds `Authorization: authorization` unless it carries its own.
    ///
    /// - Throws: a description of what is wrong, without the header's value (it may be a secret).
    init(_ request: HTTPRequest, authorization: String?) throws(InvalidRequest) {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(isTokenByte) else {
            throw InvalidRequest("the method \"\(request.method)\" is not an HTTP token")
        }
        // A NUL would cut the URL short at the C boundary; CR or LF would split the request line.
        guard !request.url.isEmpty, !request.url.utf8.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) else {
            throw InvalidRequest("the URL is empty or contains a NUL, CR or LF")
        }
        var lines: [String] = []
        var names: Set<String> = []
        for (name, value) in request.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
                throw InvalidRequest("the header name \"\(name)\" is not an HTTP token")
            }
            guard !value.utf8.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) else {
                throw InvalidRequest("the value of header \(name) contains a NUL, CR or LF")
            }
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
            names.insert(name.lowercased())
        }
        if let authorization, !names.contains("authorization") {
            lines.append("Authorization: \(authorization)")
        }
        let method = request.method
        let body = request.body ?? (Self.methodsWithBody.contains(method) ? [] : nil)
        if body != nil, !names.contains("content-type") {
            // libcurl labels a POSTFIELDS body application/x-www-form-urlencoded: send no type
            // rather than a wrong one.
            lines.append("Content-Type:")
        }
        if !names.contains("expect") {
            // libcurl sends "Expect: 100-continue" with bodies over 1 MB and then waits up to a
            // second for a server that may never answer it (Python's http.server, some proxies).
            lines.append("Expect:")
        }
        self.method = method
        self.url = request.url
        headerLines = lines
        self.body = body
        isIdempotent = request.isIdempotent
    }

    /// Methods sent with a body (empty when the request has none), so that a bodiless POST still
    /// says `Content-Length: 0` as servers expect.
    static let methodsWithBody: Set<String> = ["POST", "PUT", "PATCH"]
}

/// Why a request cannot be sent as given.
struct InvalidRequest: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// RFC 9110's tchar: the bytes allowed in a method or a header name.
private func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        true
    default:
        "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
