import ExpctlModel
import ExpctlYAML

/// A command training's `code` (the repository paths packed as its working directory) and
/// `resources` (what its job asks of a cluster). Neither means anything to the builtin trainer.
enum TrainingPlacementDecoder {
    static let resourceFields = ["cpus", "gpus", "memory"]

    /// The declared paths, or the training file's folder; nil with a diagnostic when invalid.
    static func code(_ reader: MappingReader, isCommand: Bool, context: DecodeContext, scope: Scope) -> [String]? {
        guard let items = reader.sequence("code") else {
            if reader.optional("code") != nil { return nil }
            guard isCommand else { return [] }
            let folder = context.path.split(separator: "/").dropLast().joined(separator: "/")
            return [folder.isEmpty ? "." : folder]
        }
        guard isCommand else {
            context.error(
                at: reader.mark(of: "code"), scope, field: "code", "code is set but the runner is builtin",
                hint: "remove code: it lists the files a `runner: command` program runs with")
            return nil
        }
        guard !items.isEmpty else {
            context.error(
                at: reader.mark(of: "code"), scope, field: "code", "code is empty",
                hint: "list the repository paths the command needs, e.g. [training/planner], or remove code")
            return nil
        }
        var paths: [String] = []
        var valid = true
        for (index, item) in items.enumerated() {
            guard case .scalar(let scalar) = item.value, !item.isNull else {
                context.error(
                    at: item.mark, scope, field: "code[\(index)]",
                    "expected a path, found \(item.value.kindDescription)")
                valid = false
                continue
            }
            guard let path = repositoryPath(scalar.text) else {
                context.error(
                    at: item.mark, scope, field: "code[\(index)]",
                    "code path '\(scalar.text)' is not a path inside the repository",
                    hint: "write it relative to the repository's root, without '..', e.g. training/planner/train.py")
                valid = false
                continue
            }
            paths.append(path)
        }
        return valid ? paths : nil
    }

    /// `a/b/`, `./a/b` → `a/b`; nil for an absolute path or one that leaves the repository.
    static func repositoryPath(_ text: String) -> String? {
        let trimmed = text.trimmed
        guard !trimmed.isEmpty, !trimmed.hasPrefix("/"), !trimmed.hasPrefix("~"), !trimmed.contains("\\") else {
            return nil
        }
        let components = trimmed.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else { return nil }
        return components.isEmpty ? "." : components.joined(separator: "/")
    }

    static func resources(
        _ reader: MappingReader, isCommand: Bool, context: DecodeContext, scope: Scope
    ) -> JobResources?? {
        guard let node = reader.optional("resources") else { return .some(nil) }
        guard isCommand else {
            context.error(
                at: node.mark, scope, field: "resources", "resources is set but the runner is builtin",
                hint: "remove resources: the builtin trainer runs inside expctl, not as a cluster job")
            return nil
        }
        let nested = scope.nested("resources")
        guard
            let resources = MappingReader(
                node, allowed: resourceFields, context: context, scope: nested, what: "the job's resources")
        else { return nil }
        var valid = true
        func amount(_ key: String) -> Double? {
            guard resources.optional(key) != nil else { return nil }
            guard let value = resources.number(key, required: false) else {
                valid = false
                return nil
            }
            guard value >= 0 else {
                context.error(
                    at: resources.mark(of: key), nested, field: key, "\(key) must be 0 or more, found \(value)",
                    hint: "e.g. \(key): 1")
                valid = false
                return nil
            }
            return value
        }
        let cpus = amount("cpus")
        let gpus = amount("gpus")
        var memory: Int64?
        if let text = resources.string("memory", required: false) {
            memory = JobResources.bytes(text.trimmed)
            if memory == nil {
                context.error(
                    at: resources.mark(of: "memory"), nested, field: "memory", "invalid memory '\(text)'",
                    hint: "a number of bytes or a quantity such as 512Mi, 8Gi or 2G")
                valid = false
            }
        }
        guard valid else { return nil }
        return .some(JobResources(cpus: cpus, gpus: gpus, memory: memory))
    }
}
