/// What a training's job asks of a cluster (`resources: {cpus, gpus, memory}`): Ray's
/// entrypoint resources. Where it runs, not what it computes, so not part of the job's identity.
public struct JobResources: Sendable, Hashable {
    public var cpus: Double?
    public var gpus: Double?
    /// Bytes.
    public var memory: Int64?

    public init(cpus: Double? = nil, gpus: Double? = nil, memory: Int64? = nil) {
        self.cpus = cpus
        self.gpus = gpus
        self.memory = memory
    }

    public var isEmpty: Bool { cpus == nil && gpus == nil && memory == nil }

    /// `{"cpus", "gpus", "memory"}`, each only when given.
    public var jobInputs: JSONValue {
        var fields: [String: JSONValue] = [:]
        if let cpus { fields["cpus"] = .double(cpus) }
        if let gpus { fields["gpus"] = .double(gpus) }
        if let memory { fields["memory"] = .integer(memory) }
        return .object(fields)
    }

    /// The resources recorded in a job's inputs; nil when they are not valid ones.
    public init?(jobInputs: JSONValue) {
        guard case .object(let fields) = jobInputs, Set(fields.keys).isSubset(of: ["cpus", "gpus", "memory"]) else {
            return nil
        }
        func amount(_ key: String) -> Double?? {
            switch fields[key] {
            case nil: .some(nil)
            case .double(let value)? where value >= 0 && value.isFinite: .some(value)
            case .integer(let value)? where value >= 0: .some(Double(value))
            default: nil
            }
        }
        guard let cpus = amount("cpus"), let gpus = amount("gpus") else { return nil }
        var memory: Int64?
        switch fields["memory"] {
        case nil: memory = nil
        case .integer(let value)? where value > 0: memory = value
        default: return nil
        }
        self.init(cpus: cpus, gpus: gpus, memory: memory)
    }

    /// `512Mi`, `8Gi`, `2G` or a number of bytes, as Kubernetes spells quantities.
    public static func bytes(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [
            ("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40),
            ("K", 1_000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Int64(text.dropLast(suffix.count)), number > 0 else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: scale)
            return overflow ? nil : product
        }
        guard let number = Int64(text), number > 0 else { return nil }
        return number
    }
}
