extension JSONByteReader {
    /// `{"meals": [{"day", "recipe_id", "servings"}, ...]}` with at most one meal per day.
    mutating func readPlan() throws(FieldFailure) -> WeeklyPlan {
        var meals: [Meal]?
        try readObject { reader, key throws(FieldFailure) in
            guard key == "meals" else { return try reader.skipValue() }
            var list: [Meal] = []
            list.reserveCapacity(7)
            var seenDays: UInt8 = 0
            try reader.readArray { reader, _ throws(FieldFailure) in
                let meal = try reader.readMeal()
                let bit: UInt8 = 1 << UInt8(meal.day.rawValue)
                guard seenDays & bit == 0 else {
                    throw FieldFailure("\(meal.day.name) has a second meal: a plan has one meal per day")
                        .within(.key("day"))
                }
                seenDays |= bit
                list.append(meal)
            }
            meals = list
        }
        guard let meals else { throw .missing("meals") }
        return WeeklyPlan(meals: meals)
    }

    private mutating func readMeal() throws(FieldFailure) -> Meal {
        var day: Weekday?
        var recipeID: String?
        var servings: Int?
        try readObject { reader, key throws(FieldFailure) in
            if key == "day" {
                day = try reader.readDay()
            } else if key == "recipe_id" {
                recipeID = try reader.readString()
            } else if key == "servings" {
                servings = try reader.readServings()
            } else {
                try reader.skipValue()
            }
        }
        guard let day else { throw .missing("day") }
        guard let recipeID else { throw .missing("recipe_id") }
        guard let servings else { throw .missing("servings") }
        return Meal(day: day, recipeID: recipeID, servings: servings)
    }

    mutating func readEdit() throws(FieldFailure) -> UserEdit {
        var type: String?
        var day: Weekday?
        var from: String?
        var to: String?
        var servings: Int?
        try readObject { reader, key throws(FieldFailure) in
            if key == "type" {
                type = try reader.readString()
            } else if key == "day" {
                day = try reader.readDay()
            } else if key == "from" {
                from = try reader.readString()
            } else if key == "to" {
                to = try reader.readString()
            } else if key == "servings" {
                servings = try reader.readServings()
            } else {
                try reader.skipValue()
            }
        }
        guard let type else { throw .missing("type") }
        guard let day else { throw .missing("day") }
        switch type {
        case "swap_meal":
            guard let from else { throw .missing("from") }
            guard let to else { throw .missing("to") }
            return .swapMeal(day: day, from: from, to: to)
        case "adjust_servings":
            guard let servings else { throw .missing("servings") }
            return .adjustServings(day: day, servings: servings)
        default:
            let problem = "'\(type)' is not an edit: expected 'swap_meal' or 'adjust_servings'"
            throw FieldFailure(problem).within(.key("type"))
        }
    }

    private mutating func readDay() throws(FieldFailure) -> Weekday { try readKeyword(Keywords.day) }

    private mutating func readServings() throws(FieldFailure) -> Int {
        let value = try readInteger()
        guard value >= 1 else { throw FieldFailure("servings must be at least 1, not \(value)") }
        return value
    }
}
