import Foundation
import Hummingbird

/// The service's responses: JSON bodies for the APIs and hooks, text for probes.
enum ServiceResponses {
    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return bytes(status, Array(data), contentType: "application/json")
    }

    /// `{"error": {"message": …}}`, the error shape of every endpoint. A 503 says when to
    /// retry (`Retry-After: 1`): the causes (a full queue, a reconnect) pass in moments.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var response = json(status, ["error": ["message": message]])
        if status == .serviceUnavailable { response.headers[.retryAfter] = "1" }
        return response
    }

    /// A 401 with the challenge RFC 6750 asks for.
    static func unauthorized(_ message: String) -> Response {
        var response = error(.unauthorized, message)
        response.headers[.wwwAuthenticate] = #"Bearer realm="expctl""#
        return response
    }

    /// The request's body, at most `limit` bytes; nil when it is longer (answer `tooLarge`).
    static func body(of request: Request, limit: Int) async throws -> [UInt8]? {
        do {
            return Array(buffer: try await request.body.collect(upTo: limit))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return nil
        }
    }

    static func tooLarge(limit: Int) -> Response {
        error(.contentTooLarge, "the body is longer than the limit of \(limit) bytes")
    }

    static func text(_ status: HTTPResponse.Status, _ text: String, contentType: String = "text/plain; charset=utf-8")
        -> Response
    {
        bytes(status, Array(text.utf8), contentType: contentType)
    }

    static func bytes(_ status: HTTPResponse.Status, _ bytes: [UInt8], contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
