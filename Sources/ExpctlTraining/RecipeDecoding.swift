extension RecipeCatalog {
    /// The catalogue of a dataset's `recipes.jsonl`, one recipe per line. A recipe id given twice
    /// is an error on its second line.
    public convenience init(jsonl bytes: [UInt8]) throws(DatasetDecodingError) {
        var recipes: [Recipe] = []
        var lines: [Int] = []
        try bytes.withUnsafeBufferPointer { buffer throws(DatasetDecodingError) in
            try JSONLines.forEachLine(in: buffer) { line, number throws(DatasetDecodingError) in
                var reader = JSONByteReader(line)
                do throws(FieldFailure) {
                    recipes.append(try reader.readRecipe())
                    try reader.expectEnd()
                } catch {
                    throw error.at(line: number)
                }
                lines.append(number)
            }
        }
        try self.init(recipes: recipes, lines: lines)
    }
}

extension JSONByteReader {
    mutating func readRecipe() throws(FieldFailure) -> Recipe {
        var recipeID: String?
        var name: String?
        var ingredients: [String]?
        var tags: [String] = []
        var allergens: [String] = []
        var prepTime: Int?
        var cost: Double?
        try readObject { reader, key throws(FieldFailure) in
            if key == "recipe_id" {
                let id = try reader.readString()
                guard !id.isEmpty else { throw FieldFailure("a recipe id cannot be empty") }
                recipeID = id
            } else if key == "name" {
                name = try reader.readString()
            } else if key == "ingredients" {
                ingredients = try reader.readStringArray()
            } else if key == "tags" {
                tags = try reader.readStringArray()
            } else if key == "allergens" {
                allergens = try reader.readStringArray()
            } else if key == "prep_time" {
                let value = try reader.readInteger()
                guard value >= 0 else { throw FieldFailure("a prep time cannot be negative (\(value))") }
                prepTime = value
            } else if key == "cost_per_serving" {
                let value = try reader.readDouble()
                guard value >= 0 else { throw FieldFailure("a cost cannot be negative (\(value))") }
                cost = value
            } else {
                try reader.skipValue()
            }
        }
        guard let recipeID else { throw .missing("recipe_id") }
        guard let name else { throw .missing("name") }
        guard let ingredients else { throw .missing("ingredients") }
        guard let prepTime else { throw .missing("prep_time") }
        guard let cost else { throw .missing("cost_per_serving") }
        return Recipe(
            recipeID: recipeID, name: name, ingredients: ingredients, tags: tags, allergens: allergens,
            prepTime: prepTime, costPerServing: cost)
    }
}
