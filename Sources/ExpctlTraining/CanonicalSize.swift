import ExpctlModel

/// The length in bytes of canonical JSON text (`JSONValue.canonicalText`) of plans and inputs,
/// counted without building the text: the token proxies need it for every row and model.
enum CanonicalSize {
    static func string(_ text: String) -> Int {
        if let size = text.utf8.withContiguousStorageIfAvailable(string(bytes:)) { return size }
        return string(bytes: Array(text.utf8))
    }

    /// A JSON string of these UTF-8 bytes: quotes, and the escapes `JSONValue` writes.
    static func string(bytes: some Collection<UInt8>) -> Int {
        var size = 2
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x0D, 0x09: size += 2
            case ..<0x20: size += 6
            default: size += 1
            }
        }
        return size
    }

    static func integer(_ value: Int) -> Int {
        var size = value < 0 ? 2 : 1
        var rest = value.magnitude / 10
        while rest > 0 {
            size += 1
            rest /= 10
        }
        return size
    }

    /// As `JSONValue` writes a double: `null` when not finite, a whole number from 1e16 on as
    /// its digits and `.0`, else Swift's shortest round-tripping form.
    ///
    /// Quantities and budgets are mostly short decimals: when m / 10^k gives the value back for
    /// some k ≤ 4 (the smallest such k), that decimal is the shortest form, written `[-]int.frac`
    /// with at least one fraction digit, and its length is counted without formatting. Other
    /// values are formatted (tests check both ways agree).
    static func double(_ value: Double) -> Int {
        guard value.isFinite else { return 4 }
        let magnitude = abs(value)
        let sign = value.sign == .minus ? 1 : 0
        if magnitude == 0 { return 3 + sign }
        if magnitude >= 1e-4, magnitude < 1e9 {
            for (fractionDigits, scale) in shortDecimalScales.enumerated() {
                let scaled = (magnitude * scale).rounded()
                guard scaled / scale == magnitude else { continue }
                let integerPart = Int(magnitude)
                return sign + integer(integerPart) + 1 + max(1, fractionDigits)
            }
        }
        if value == value.rounded(), magnitude >= 1e16, let whole = Int64(exactly: value) {
            return integer(Int(whole)) + 2
        }
        return value.description.utf8.count
    }

    private static let shortDecimalScales: [Double] = [1, 10, 100, 1000, 10000]

    /// `"key":` and the value.
    static func member(_ key: StaticString, _ valueSize: Int) -> Int { key.utf8CodeUnitCount + 3 + valueSize }

    /// Braces or brackets around `count` elements of total size `contents`, with commas.
    static func container(count: Int, contents: Int) -> Int { 2 + contents + max(count - 1, 0) }

    static func strings(_ values: [String]) -> Int {
        container(count: values.count, contents: values.reduce(0) { $0 + string($1) })
    }

    /// `{"day":"…","recipe_id":"…","servings":n}`.
    static func meal(dayNameLength: Int, recipeIDSize: Int, servings: Int) -> Int {
        container(
            count: 3,
            contents: member("day", dayNameLength + 2) + member("recipe_id", recipeIDSize)
                + member("servings", integer(servings)))
    }

    /// `{"meals":[…]}` around meals of the given sizes.
    static func plan(mealCount: Int, mealsSize: Int) -> Int {
        container(count: 1, contents: member("meals", container(count: mealCount, contents: mealsSize)))
    }

    static func plan(_ plan: WeeklyPlan) -> Int {
        let meals = plan.meals.reduce(0) {
            $0 + meal(dayNameLength: $1.day.name.utf8.count, recipeIDSize: string($1.recipeID), servings: $1.servings)
        }
        return self.plan(mealCount: plan.meals.count, mealsSize: meals)
    }

    static func input(_ input: PlanningInput) -> Int {
        let household = input.household
        let householdSize = container(
            count: 5,
            contents: member("id", string(household.id)) + member("preferences", strings(household.preferences))
                + member("region", string(household.region)) + member("restrictions", strings(household.restrictions))
                + member("size", integer(household.size)))
        let items = input.pantry.reduce(0) {
            $0
                + container(
                    count: 3,
                    contents: member("name", string($1.name)) + member("quantity", double($1.quantity))
                        + member("unit", string($1.unit)))
        }
        let pantry = container(
            count: 1, contents: member("items", container(count: input.pantry.count, contents: items)))
        let constraints = input.constraints
        let constraintsSize = container(
            count: 3,
            contents: member("budget", double(constraints.budget))
                + member("excluded_ingredients", strings(constraints.excludedIngredients))
                + member("max_prep_time", integer(constraints.maxPrepTime)))
        return container(
            count: 6,
            contents: member("constraints", constraintsSize) + member("household", householdSize)
                + member("mode", input.mode.map { string($0.rawValue) } ?? 4) + member("pantry", pantry)
                + member("previous_plan", input.previousPlan.map(plan) ?? 4)
                + member("workflow_type", string(input.workflowType.rawValue)))
    }
}
