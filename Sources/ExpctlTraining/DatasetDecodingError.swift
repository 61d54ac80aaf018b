/// A line of a JSON Lines file (rows, recipes, predictions) that could not be decoded: the
/// 1-based line, the field (`input.household.size`, `plan.meals[2].day`; empty for the line as
/// a whole) and what is wrong. The caller names the file.
public struct DatasetDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var field: String
    public var problem: String

    public init(line: Int, field: String, problem: String) {
        self.line = line
        self.field = field
        self.problem = problem
    }

    public var description: String {
        field.isEmpty ? "line \(line): \(problem)" : "line \(line), field \(field): \(problem)"
    }
}

/// A failure inside one JSON value: the path is collected innermost first while the error
/// unwinds through the objects and arrays that hold the field, so the success path builds no
/// path at all.
struct FieldFailure: Error {
    enum Component {
        case key(String)
        case index(Int)
    }

    var reversedPath: [Component] = []
    var problem: String

    init(_ problem: String) { self.problem = problem }

    static func missing(_ key: String) -> FieldFailure {
        var failure = FieldFailure("missing")
        failure.reversedPath = [.key(key)]
        return failure
    }

    func within(_ component: Component) -> FieldFailure {
        var failure = self
        failure.reversedPath.append(component)
        return failure
    }

    var field: String {
        var text = ""
        for component in reversedPath.reversed() {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    func at(line: Int) -> DatasetDecodingError { DatasetDecodingError(line: line, field: field, problem: problem) }
}
