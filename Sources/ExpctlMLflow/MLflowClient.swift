public import ExpctlHTTP
import ExpctlModel

/// The MLflow REST API (`/api/2.0/mlflow/…`) over an `HTTPTransport`: JSON in and out, MLflow's
/// errors typed, `{}` search answers as empty lists. See docs/dev/mlflow-rest-notes.md for what
/// each call really does. Confined to one thread, like its transport.
public final class MLflowClient {
    public let settings: MLflowSettings
    let transport: any HTTPTransport

    public init(settings: MLflowSettings, transport: any HTTPTransport) {
        self.settings = settings
        self.transport = transport
    }

    /// `GET path?query`, the answer's JSON object.
    func get(_ path: String, _ query: [(String, String)] = []) throws(MLflowError) -> [String: JSONValue] {
        let url = settings.trackingURI + "/api/2.0/mlflow/" + path + Self.queryString(query)
        return try send(HTTPRequest.get(url), call: "GET \(path)")
    }

    /// `POST`/`DELETE path` with a JSON body. `idempotent` says whether repeating it is safe,
    /// which lets the transport retry it.
    func send(
        _ method: String, _ path: String, _ body: [String: JSONValue], idempotent: Bool
    ) throws(MLflowError) -> [String: JSONValue] {
        let request = HTTPRequest(
            method: method, url: settings.trackingURI + "/api/2.0/mlflow/" + path,
            headers: [("Content-Type", "application/json")], body: Array(JSONValue.object(body).canonicalText.utf8),
            isIdempotent: idempotent)
        return try send(request, call: "\(method) \(path)")
    }

    private func send(_ request: HTTPRequest, call: String) throws(MLflowError) -> [String: JSONValue] {
        let response = try exchange(request, call: call)
        guard case .object(let members)? = JSONValue(parsing: response.text) else {
            throw MLflowError(kind: .unexpectedAnswer, status: response.status, message: "not a JSON object", call: call)
        }
        return members
    }

    /// A request to the artifact proxy (`/api/2.0/mlflow-artifacts/artifacts…`), whose bodies are
    /// raw bytes: `pathAndQuery` is already percent-encoded. Answers the 2xx response as it came.
    func artifactRequest(
        _ method: String, _ pathAndQuery: String, body: [UInt8]? = nil, call: String
    ) throws(MLflowError) -> HTTPResponse {
        let request = HTTPRequest(
            method: method, url: settings.trackingURI + "/api/2.0/mlflow-artifacts/artifacts" + pathAndQuery,
            headers: body == nil ? [] : [("Content-Type", "application/octet-stream")], body: body)
        return try exchange(request, call: call)
    }

    /// Sends `request`; a non-2xx answer becomes an `MLflowError`: `.api` for MLflow's
    /// `{"error_code", "message"}`, `.unexpectedAnswer` for anything else (FastAPI's
    /// `{"detail": …}` from the artifact routes, HTML from the router, a proxy's text).
    private func exchange(_ request: HTTPRequest, call: String) throws(MLflowError) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch {
            throw MLflowError(kind: .transport, status: nil, message: error.description, call: call)
        }
        guard response.isSuccess else {
            // What the server says may echo what it was sent: scrub it like the transport does.
            let secrets = (settings.credentials?.secrets ?? []) + SecretScrubber.secrets(inURL: settings.trackingURI)
            let json = JSONValue(parsing: response.text)
            if case .object(let members)? = json, let code = members.string("error_code") {
                throw MLflowError(
                    kind: .api(code: code), status: response.status,
                    message: SecretScrubber.scrub(members.string("message") ?? "", secrets: secrets), call: call)
            }
            let text: String = if case .object(let members)? = json, let detail = members.string("detail") { detail } else { response.text }
            throw MLflowError(
                kind: .unexpectedAnswer, status: response.status,
                message: SecretScrubber.scrub(String(text.prefix(200)), secrets: secrets), call: call)
        }
        return response
    }

    /// `?a=1&b=2` with names and values percent-encoded; empty for no parameters.
    static func queryString(_ query: [(String, String)]) -> String {
        if query.isEmpty { return "" }
        return "?" + query.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay; everything else is %XX.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded += "%"
                encoded.unicodeScalars.append(hex[Int(byte >> 4)])
                encoded.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return encoded
    }
}

/// Reading JSON members with the shapes MLflow uses.
extension Dictionary where Key == String, Value == JSONValue {
    func string(_ key: String) -> String? {
        if case .string(let text)? = self[key] { return text }
        return nil
    }

    func object(_ key: String) -> [String: JSONValue]? {
        if case .object(let members)? = self[key] { return members }
        return nil
    }

    /// A list member; absent (as MLflow leaves empty lists out) is empty.
    func list(_ key: String) -> [JSONValue] {
        if case .array(let items)? = self[key] { return items }
        return []
    }

    /// An integer member (MLflow's int64 timestamps); nil when absent or not a whole number.
    func integer(_ key: String) -> Int64? {
        switch self[key] {
        case .integer(let value)?: value
        case .double(let value)? where value == value.rounded(): Int64(exactly: value)
        case .string(let text)?: Int64(text)
        default: nil
        }
    }

    /// `[{"key": k, "value": v}]` as a dictionary.
    func tags(_ key: String = "tags") -> [String: String] {
        var tags: [String: String] = [:]
        for item in list(key) {
            guard case .object(let tag) = item, let name = tag.string("key") else { continue }
            tags[name] = tag.string("value") ?? ""
        }
        return tags
    }
}

extension JSONValue {
    /// A dictionary as MLflow's `[{"key": k, "value": v}]`, sorted by key so bodies are stable.
    static func keyValueList(_ pairs: [String: String]) -> JSONValue {
        .array(pairs.sorted { $0.key < $1.key }.map { .object(["key": .string($0.key), "value": .string($0.value)]) })
    }
}

extension MLflowError {
    /// A request refused before sending because MLflow would refuse it, or worse, misread it.
    static func refusedBeforeSending(_ message: String, call: String) -> MLflowError {
        MLflowError(kind: .refused, status: nil, message: message, call: call)
    }
}
