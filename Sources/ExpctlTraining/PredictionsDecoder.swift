/// Reading the predictions file a team's `evaluation.command` writes: one JSON object per
/// line, `{"row_id": "…", "plan": {"meals": [...]}}`, exactly one per row of the dataset, in
/// any order. Other keys are ignored.
public enum PredictionsDecoder {
    /// The plans in the order of `rowIDs` (the dataset's rows).
    public static func plans(jsonl bytes: [UInt8], rowIDs: [String]) throws(PredictionsError) -> [WeeklyPlan] {
        var positions: [String: Int] = [:]
        for (position, id) in rowIDs.enumerated() where positions[id] == nil { positions[id] = position }
        var plans = [WeeklyPlan?](repeating: nil, count: rowIDs.count)
        var lines = [Int](repeating: 0, count: rowIDs.count)
        do throws(DatasetDecodingError) {
            try bytes.withUnsafeBufferPointer { buffer throws(DatasetDecodingError) in
                try JSONLines.forEachLine(in: buffer) { line, number throws(DatasetDecodingError) in
                    let (rowID, plan) = try prediction(line, number)
                    guard let position = positions[rowID] else {
                        throw DatasetDecodingError(
                            line: number, field: "row_id", problem: "'\(rowID)' is not a row of the dataset")
                    }
                    guard plans[position] == nil else {
                        throw DatasetDecodingError(
                            line: number, field: "row_id",
                            problem: "'\(rowID)' was already predicted on line \(lines[position])")
                    }
                    plans[position] = plan
                    lines[position] = number
                }
            }
        } catch {
            throw .malformed(error)
        }
        let missing = rowIDs.indices.filter { plans[$0] == nil }
        guard missing.isEmpty else {
            throw .missingPredictions(count: missing.count, firstRowIDs: missing.prefix(5).map { rowIDs[$0] })
        }
        return plans.map { $0! }
    }

    private static func prediction(
        _ line: UnsafeBufferPointer<UInt8>, _ number: Int
    ) throws(DatasetDecodingError) -> (String, WeeklyPlan) {
        var reader = JSONByteReader(line)
        do throws(FieldFailure) {
            var rowID: String?
            var plan: WeeklyPlan?
            try reader.readObject { reader, key throws(FieldFailure) in
                if key == "row_id" {
                    rowID = try reader.readString()
                } else if key == "plan" {
                    plan = try reader.readPlan()
                } else {
                    try reader.skipValue()
                }
            }
            try reader.expectEnd()
            guard let rowID else { throw FieldFailure.missing("row_id") }
            guard let plan else { throw FieldFailure.missing("plan") }
            return (rowID, plan)
        } catch {
            throw error.at(line: number)
        }
    }
}

public enum PredictionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A line that is not a prediction, or names an unknown or already predicted row.
    case malformed(DatasetDecodingError)
    /// Rows of the dataset with no prediction: how many, and the first few.
    case missingPredictions(count: Int, firstRowIDs: [String])

    public var description: String {
        switch self {
        case .malformed(let error): error.description
        case .missingPredictions(let count, let first):
            "\(count) row(s) have no prediction, e.g. " + first.map { "'\($0)'" }.joined(separator: ", ")
        }
    }
}
