public import ExpctlModel
public import ExpctlStatistics
import Foundation

/// The online gate's state between passes, as `exp.gate_decisions.evidence.state` holds it:
/// each metric's always-valid state (running bounds, minimum p, sticky failure), as JSON.
public enum OnlineGateState {
    public static func encode(_ states: [String: AlwaysValidState]) -> JSONValue? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(states) else { return nil }
        return JSONValue(parsing: String(decoding: data, as: UTF8.self))
    }

    /// The states of a recorded decision; empty when there are none or they do not read back
    /// (a decision of another expctl version starts the tests afresh, which stays valid).
    public static func decode(_ value: JSONValue?) -> [String: AlwaysValidState] {
        guard let value else { return [:] }
        return (try? JSONDecoder().decode([String: AlwaysValidState].self, from: Data(value.canonicalText.utf8))) ?? [:]
    }
}
