import ExpctlModel

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
    let object: [String: JSONValue]
    let path: String

    init(_ value: JSONValue?, path: String) throws(RequestError) {
        guard case .object(let object)? = value else { throw RequestError(path, "must be a JSON object") }
        self.object = object
        self.path = path
    }

    /// A body parsed with expctl's JSON reader. A NUL character anywhere is refused here:
    /// PostgreSQL stores none (in text or jsonb), and finding out at insert time would fail
    /// every request of the group commit, not only this one.
    static func body(_ bytes: [UInt8]) throws(RequestError) -> JSONValue {
        guard let value = JSONValue(parsing: String(decoding: bytes, as: UTF8.self)) else {
            throw RequestError("", "the body is not JSON")
        }
        if let path = firstNUL(in: value, at: "") {
            throw RequestError(path, "must not contain the NUL character (\\u0000)")
        }
        return value
    }

    /// The path of the first string or key holding a NUL, nil when there is none.
    private static func firstNUL(in value: JSONValue, at path: String) -> String? {
        switch value {
        case .string(let text): return text.utf8.contains(0) ? path : nil
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = firstNUL(in: item, at: "\(path)[\(index)]") { return found }
            }
        case .object(let members):
            for (key, member) in members {
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                if key.utf8.contains(0) { return memberPath }
                if let found = firstNUL(in: member, at: memberPath) { return found }
            }
        case .null, .bool, .integer, .double: return nil
        }
        return nil
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A string of 1 to `maxLength` characters, counted as PostgreSQL's `char_length` counts
    /// them (code points, not Swift's grapheme clusters).
    func string(_ key: String, maxLength: Int = 256) throws(RequestError) -> String {
        guard let value = object[key] else { throw RequestError(field(key), "is required") }
        guard case .string(let text) = value else { throw RequestError(field(key), "must be a string") }
        guard !text.isEmpty, text.unicodeScalars.count <= maxLength else {
            throw RequestError(field(key), "must be 1 to \(maxLength) characters")
        }
        return text
    }

    func optionalString(_ key: String, maxLength: Int = 256) throws(RequestError) -> String? {
        guard let value = object[key], value != .null else { return nil }
        return try string(key, maxLength: maxLength)
    }

    /// An object, empty when absent or null.
    func optionalObject(_ key: String) throws(RequestError) -> [String: JSONValue] {
        guard let value = object[key], value != .null else { return [:] }
        guard case .object(let members) = value else { throw RequestError(field(key), "must be a JSON object") }
        return members
    }
}
