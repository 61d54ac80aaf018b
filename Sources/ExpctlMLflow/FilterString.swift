/// Pieces of MLflow's search filter language (`runs/search`, `model-versions/search`).
///
/// MLflow's filter parser has no escape inside a string literal: `'o''brien'` and `'o\'brien'`
/// match nothing (silently, with 200 `{}`), while `"o'brien"` matches. So a value is quoted
/// with whichever quote it does not contain; one that contains both cannot be searched for.
enum FilterString {
    /// `'value'`, or `"value"` when it contains a single quote; nil when it holds both quotes.
    static func literal(_ value: String) -> String? {
        if !value.contains("'") { return "'\(value)'" }
        if !value.contains("\"") { return "\"\(value)\"" }
        return nil
    }

    /// ``tags.`k1` = 'v1' AND tags.`k2` = 'v2'`` (keys sorted), after `prefix` clauses.
    /// Tag keys cannot hold a backtick (MLflow allows letters, digits, `_-./ :`).
    static func conjunction(prefix: [String] = [], tags: [String: String], call: String) throws(MLflowError) -> String {
        var clauses = prefix
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            guard let quoted = literal(value), !key.contains("`") else {
                throw MLflowError.refusedBeforeSending(
                    "cannot search for tag \(key) = \(value): MLflow's filter syntax cannot express it", call: call)
            }
            clauses.append("tags.`\(key)` = \(quoted)")
        }
        return clauses.joined(separator: " AND ")
    }
}
