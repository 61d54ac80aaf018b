/// One training row of a dataset's `data.jsonl` (docs/datasets.md, "A row"): what the planner
/// knew when it generated a plan, and the plan the household accepted.
public struct DatasetRow: Sendable, Hashable {
    /// The plan id of the generated and accepted events.
    public var rowID: String
    public var split: DatasetSplit
    public var input: PlanningInput
    public var target: PlanTarget
    public var metadata: RowMetadata

    public init(rowID: String, split: DatasetSplit, input: PlanningInput, target: PlanTarget, metadata: RowMetadata) {
        self.rowID = rowID
        self.split = split
        self.input = input
        self.target = target
        self.metadata = metadata
    }
}

public enum DatasetSplit: String, Sendable, Hashable, CaseIterable {
    case train
    case validation
}

/// How the household started planning: the `workflow_type` of the events.
public enum WorkflowType: String, Sendable, Hashable, CaseIterable {
    case planFirst = "plan-first"
    case mealFirst = "meal-first"
    case pantryFirst = "pantry-first"
}

/// The planner's mode, when the events carry it.
public enum PlanningMode: String, Sendable, Hashable, CaseIterable {
    case autopilot
    case exploratory
    case constrained
}

/// The input context of a row: everything available when the plan was generated.
public struct PlanningInput: Sendable, Hashable {
    public var household: Household
    /// The pantry at the event's time.
    public var pantry: [PantryItem]
    public var constraints: PlanConstraints
    public var workflowType: WorkflowType
    public var mode: PlanningMode?
    /// The household's previous accepted plan, if any.
    public var previousPlan: WeeklyPlan?

    public init(
        household: Household, pantry: [PantryItem], constraints: PlanConstraints, workflowType: WorkflowType,
        mode: PlanningMode? = nil, previousPlan: WeeklyPlan? = nil
    ) {
        self.household = household
        self.pantry = pantry
        self.constraints = constraints
        self.workflowType = workflowType
        self.mode = mode
        self.previousPlan = previousPlan
    }
}

public struct Household: Sendable, Hashable {
    public var id: String
    /// People to cook for: the servings of every planned meal.
    public var size: Int
    public var region: String
    /// Soft wishes, such as `vegetarian`: the model learns what they mean.
    public var preferences: [String]
    /// Hard limits, such as `nut-allergy`: each names an allergen (see `Restriction`).
    public var restrictions: [String]

    public init(id: String, size: Int, region: String, preferences: [String] = [], restrictions: [String] = []) {
        self.id = id
        self.size = size
        self.region = region
        self.preferences = preferences
        self.restrictions = restrictions
    }
}

public struct PantryItem: Sendable, Hashable {
    /// Compared exactly with the ingredient names of recipes.
    public var name: String
    public var quantity: Double
    public var unit: String

    public init(name: String, quantity: Double, unit: String) {
        self.name = name
        self.quantity = quantity
        self.unit = unit
    }
}

public struct PlanConstraints: Sendable, Hashable {
    /// Per week: the sum over meals of cost per serving times servings may not exceed it.
    public var budget: Double
    /// Minutes; no planned recipe may take longer.
    public var maxPrepTime: Int
    /// Ingredient names no planned recipe may contain.
    public var excludedIngredients: [String]

    public init(budget: Double, maxPrepTime: Int, excludedIngredients: [String] = []) {
        self.budget = budget
        self.maxPrepTime = maxPrepTime
        self.excludedIngredients = excludedIngredients
    }
}

/// The target of a row: the plan the household accepted and the edits that got it there.
public struct PlanTarget: Sendable, Hashable {
    public var acceptedPlan: WeeklyPlan
    public var userEdits: [UserEdit]

    public init(acceptedPlan: WeeklyPlan, userEdits: [UserEdit] = []) {
        self.acceptedPlan = acceptedPlan
        self.userEdits = userEdits
    }
}

public struct RowMetadata: Sendable, Hashable {
    /// RFC 3339 time of the generated event, as the dataset wrote it.
    public var timestamp: String
    public var policyVersionID: String?
    public var region: String
    public var householdSize: Int

    public init(timestamp: String, policyVersionID: String? = nil, region: String, householdSize: Int) {
        self.timestamp = timestamp
        self.policyVersionID = policyVersionID
        self.region = region
        self.householdSize = householdSize
    }
}
