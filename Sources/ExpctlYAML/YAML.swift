/// Reads one YAML file into a tree of `YAMLNode`s.
///
/// The reader is strict and small: one document per file, scalar keys only, no tag resolution
/// beyond what `YAMLScalar` offers. It works on the UTF-8 bytes directly and creates `String`s
/// only for final keys and values.
public enum YAML {
    /// Parses one file. Returns nil when the file holds no document (empty, only comments).
    public static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, limits: YAMLLimits = .default
    ) throws(YAMLError) -> YAMLNode? {
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let start = hasBOM ? 3 : 0
        let isASCII = try validateInput(bytes, from: start)
        var parser = Parser(bytes: bytes, start: start, isASCII: isASCII, limits: limits)
        return try parser.parseDocument()
    }

    /// Parses one file. Returns nil when the file holds no document (empty, only comments).
    public static func parse(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try parse(buffer, limits: limits) }
        }
        return try result.get()
    }

    /// Parses one file. Returns nil when the file holds no document (empty, only comments).
    public static func parse(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLNode? {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(YAMLError) in try parse(buffer, limits: limits) }
        }
        return try result.get()
    }
}
