import Foundation

/// A request the APIs refuse (400): the field at fault, as a path into the body
/// (`events[3].experiments[0].variant_id`), and why.
public struct RequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// Reading a decoded JSON body's fields with errors that name them.
struct JSONFields {
    let object: [String: Any]
    let path: String

    init(_ value: Any?, path: String) throws(RequestError) {
        guard let object = value as? [String: Any] else { throw RequestError(path, "must be a JSON object") }
        self.object = object
        self.path = path
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A string of 1 to `maxLength` characters.
    func string(_ key: String, maxLength: Int = 256) throws(RequestError) -> String {
        guard let value = object[key] else { throw RequestError(field(key), "is required") }
        guard let text = value as? String else { throw RequestError(field(key), "must be a string") }
        guard !text.isEmpty, text.count <= maxLength else {
            throw RequestError(field(key), "must be 1 to \(maxLength) characters")
        }
        return text
    }

    func optionalString(_ key: String, maxLength: Int = 256) throws(RequestError) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        return try string(key, maxLength: maxLength)
    }
}
