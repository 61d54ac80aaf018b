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
        let encoded = query.map { "\(Self.percentEncoded($0.0))=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        let url = settings.trackingURI + "/api/2.0/mlflow/" + path + (encoded.isEmpty ? "" : "?" + encoded)
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
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch {
            throw MLflowError(kind: .transport, status: nil, message: error.description, call: call)
        }
        let json = JSONValue(parsing: response.text)
        guard response.isSuccess else {
            // What the server says may echo what it was sent: scrub it like the transport does.
            let secrets = (settings.credentials?.secrets ?? []) + SecretScrubber.secrets(inURL: settings.trackingURI)
            if case .object(let members)? = json, case .string(let code)? = members["error_code"] {
                let message: String = if case .string(let text)? = members["message"] { text } else { "" }
                throw MLflowError(
                    kind: .api(code: code), status: response.status, message: SecretScrubber.scrub(message, secrets: secrets), call: call)
            }
            throw MLflowError(
                kind: .unexpectedAnswer, status: response.status,
                message: SecretScrubber.scrub(String(response.text.prefix(200)), secrets: secrets), call: call)
        }
        guard case .object(let members)? = json else {
            throw MLflowError(kind: .unexpectedAnswer, status: response.status, message: "not a JSON object", call: call)
        }
        return members
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
