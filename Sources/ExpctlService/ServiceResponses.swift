import Foundation
import Hummingbird

/// The service's responses: JSON bodies for the APIs and hooks, text for probes.
enum ServiceResponses {
    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return bytes(status, Array(data), contentType: "application/json")
    }

    /// `{"error": {"message": …}}`, the error shape of every endpoint.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, ["error": ["message": message]])
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
