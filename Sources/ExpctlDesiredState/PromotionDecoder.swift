import ExpctlModel
import ExpctlYAML

/// Decodes and checks one entry of `promotions`.
enum PromotionDecoder {
    static let fields = ["model", "version", "training", "stage"]

    static func decode(_ node: YAMLNode, index: Int, context: DecodeContext) -> Promotion? {
        let label = promotionLabel(node, index: index)
        let scope = Scope(resource: label)
        guard let reader = MappingReader(node, allowed: fields, context: context, scope: scope, what: "a promotion")
        else { return nil }
        let model = reader.modelName("model")
        if let model { context.reference(.model(model), at: reader.mark(of: "model"), scope, field: "model") }
        let stage = reader.enumeration("stage", ModelStage.self, required: true)
        let target: PromotionTarget?
        switch (reader.optional("version") != nil, reader.optional("training") != nil) {
        case (true, true):
            context.error(
                at: reader.mark(of: "training"), scope, field: "training", "both version and training are set",
                hint: "name the registered version with `version`, or the version a training registers with `training`; not both")
            target = nil
        case (false, false):
            context.error(
                at: node.mark, scope, "neither version nor training is set",
                hint: "add `version: N` or `training: NAME`")
            target = nil
        case (true, false):
            target = reader.modelVersion("version").map { .version($0) }
        case (false, true):
            target = reader.name("training").map { .training($0) }
            if case .training(let name) = target {
                context.reference(.training(name), at: reader.mark(of: "training"), scope, field: "training")
            }
        }
        guard let model, let stage, let target else { return nil }
        return Promotion(model: model, target: target, stage: stage, origin: context.location(node.mark))
    }

    /// `promotion planner_model@1` style label, from what is written, for diagnostics.
    private static func promotionLabel(_ node: YAMLNode, index: Int) -> String {
        guard case .mapping(let entries) = node.value else { return "promotion #\(index + 1)" }
        func text(_ key: String) -> String? {
            guard let entry = entries.first(where: { $0.key.scalarText == key }), case .scalar(let scalar) = entry.value.value,
                !scalar.text.isEmpty
            else { return nil }
            return scalar.text
        }
        guard let model = text("model") else { return "promotion #\(index + 1)" }
        if let version = text("version") { return "promotion \(model) version \(version)" }
        if let training = text("training") { return "promotion \(model) training \(training)" }
        return "promotion \(model)"
    }
}
