import ExpctlModel

/// Saving and loading the reference model. The `tokenizer` holds the vocabulary the parameters
/// are indexed by; the `model` holds the hyperparameters and, per key, the recipe biases and
/// feature weights. Doubles are written in Swift's shortest round-tripping form, so a loaded
/// model has the same bits and plans identically.
extension ReferenceModel {
    static let tokenizerFormat = "expctl-reference-tokenizer/1"

    public var artifacts: ModelArtifacts {
        ModelArtifacts(
            model: Array(modelJSON.canonicalText.utf8), tokenizer: Array(tokenizerJSON.canonicalText.utf8),
            config: Array(JSONValue.object(hyperparameters.json).prettyText.utf8))
    }

    var tokenizerJSON: JSONValue {
        let vocabulary = parameters.vocabulary
        func names(_ vocabulary: Vocabulary) -> JSONValue { .array(vocabulary.names.map(JSONValue.string)) }
        return .object([
            "format": .string(Self.tokenizerFormat), "recipes": names(vocabulary.recipes),
            "ingredients": names(vocabulary.ingredients), "tags": names(vocabulary.tags),
            "allergens": names(vocabulary.allergens), "features": .array(vocabulary.featureNames.map(JSONValue.string)),
        ])
    }

    var modelJSON: JSONValue {
        let recipeCount = parameters.vocabulary.recipes.count
        let keys: [JSONValue] = parameters.keys.names.enumerated().map { key, name in
            let block = parameters.offset(ofKey: key)
            return .object([
                "key": .string(name), "training_rows": .integer(Int64(parameters.keyRows[key])),
                "recipe_bias": .array(parameters.values[block..<block + recipeCount].map(JSONValue.double)),
                "feature_weights": .array(
                    parameters.values[block + recipeCount..<block + parameters.stride].map(JSONValue.double)),
            ])
        }
        return .object([
            "format": .string(Self.format), "levels": .array(ProfileKeys.levelNames.map(JSONValue.string)),
            "hyperparameters": .object(hyperparameters.json), "keys": .array(keys),
        ])
    }

    /// A model from its `model` and `tokenizer` artifacts, bound to `catalog`.
    public convenience init(model: [UInt8], tokenizer: [UInt8], catalog: RecipeCatalog) throws(ModelLoadingError) {
        let vocabulary = try Self.vocabulary(tokenizer)
        guard case .object(let root)? = JSONValue(parsing: String(decoding: model, as: UTF8.self)) else {
            throw ModelLoadingError(artifact: "model", problem: "not a JSON object")
        }
        guard root["format"] == .string(Self.format) else {
            throw ModelLoadingError(artifact: "model", problem: "format is not \(Self.format)")
        }
        guard root["levels"] == .array(ProfileKeys.levelNames.map(JSONValue.string)) else {
            throw ModelLoadingError(artifact: "model", problem: "levels differ from this expctl's")
        }
        guard case .object(let hyper)? = root["hyperparameters"], case .array(let keys)? = root["keys"] else {
            throw ModelLoadingError(artifact: "model", problem: "hyperparameters or keys missing")
        }
        var names: [String] = []
        var rows: [Int] = []
        var values: [Double] = []
        for (position, entry) in keys.enumerated() {
            let key = try Self.key(entry, position, vocabulary)
            guard names.last.map({ $0 < key.name }) ?? true else {
                throw ModelLoadingError(artifact: "model", problem: "keys[\(position)] is out of order or repeated")
            }
            names.append(key.name)
            rows.append(key.rows)
            values += key.values
        }
        guard names.contains(ProfileKeys.levelNames[0]) else {
            throw ModelLoadingError(artifact: "model", problem: "the global key is missing")
        }
        let parameters = ReferenceParameters(
            vocabulary: vocabulary, keys: Vocabulary(sortedUnique: names), keyRows: rows, values: values)
        self.init(
            parameters: parameters, hyperparameters: try ReferenceHyperparameters(json: hyper), catalog: catalog)
    }

    private static func key(
        _ entry: JSONValue, _ position: Int, _ vocabulary: ModelVocabulary
    ) throws(ModelLoadingError) -> (name: String, rows: Int, values: [Double]) {
        func failure(_ problem: String) -> ModelLoadingError {
            ModelLoadingError(artifact: "model", problem: "keys[\(position)]: \(problem)")
        }
        guard case .object(let fields) = entry, case .string(let name)? = fields["key"],
            case .integer(let rows)? = fields["training_rows"], case .array(let bias)? = fields["recipe_bias"],
            case .array(let weights)? = fields["feature_weights"]
        else { throw failure("needs key, training_rows, recipe_bias and feature_weights") }
        guard bias.count == vocabulary.recipes.count, weights.count == vocabulary.featureCount else {
            throw failure("recipe_bias or feature_weights does not match the tokenizer's vocabulary")
        }
        var values: [Double] = []
        values.reserveCapacity(bias.count + weights.count)
        for value in bias + weights {
            switch value {
            case .double(let number) where number.isFinite: values.append(number)
            case .integer(let number): values.append(Double(number))
            default: throw failure("a parameter is not a finite number")
            }
        }
        return (name, Int(rows), values)
    }

    private static func vocabulary(_ tokenizer: [UInt8]) throws(ModelLoadingError) -> ModelVocabulary {
        func failure(_ problem: String) -> ModelLoadingError {
            ModelLoadingError(artifact: "tokenizer", problem: problem)
        }
        guard case .object(let root)? = JSONValue(parsing: String(decoding: tokenizer, as: UTF8.self)) else {
            throw failure("not a JSON object")
        }
        guard root["format"] == .string(tokenizerFormat) else { throw failure("format is not \(tokenizerFormat)") }
        func names(_ field: String) throws(ModelLoadingError) -> Vocabulary {
            guard case .array(let items)? = root[field] else { throw failure("\(field) missing") }
            var names: [String] = []
            for item in items {
                guard case .string(let name) = item, names.last.map({ $0 < name }) ?? true else {
                    throw failure("\(field) must be distinct strings in sorted order")
                }
                names.append(name)
            }
            return Vocabulary(sortedUnique: names)
        }
        return ModelVocabulary(
            recipes: try names("recipes"), tags: try names("tags"), ingredients: try names("ingredients"),
            allergens: try names("allergens"))
    }
}
