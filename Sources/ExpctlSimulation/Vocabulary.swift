/// The fixed words the world is made of: ingredients, allergens, tags, cuisines, dish forms,
/// proteins, regions and restrictions. The seed decides how they combine, never what they are.
enum Vocabulary {
    /// Every ingredient a recipe or a pantry can hold; an ingredient's index is its bit in the
    /// masks that make pantry and exclusion checks cheap, so there are at most 64.
    static let ingredients = [
        // proteins
        "chicken", "beef", "pork", "salmon", "shrimp", "tofu", "chickpeas", "lentils", "black beans", "eggs", "paneer",
        "mushrooms",
        // bases
        "rice", "pasta", "noodles", "tortillas", "bread", "quinoa", "potatoes", "couscous",
        // vegetables
        "onion", "garlic", "tomato", "spinach", "bell pepper", "carrot", "broccoli", "zucchini", "cabbage", "corn",
        "peas",
        "eggplant", "cucumber", "avocado",
        // the rest
        "cheese", "cream", "butter", "yogurt", "milk", "peanuts", "almonds", "cashews", "soy sauce", "chili",
        "coconut milk", "curry paste", "olive oil", "lemon", "ginger", "cilantro", "basil", "olives", "sesame",
    ]

    static func ingredient(_ name: String) -> Int {
        guard let index = ingredients.firstIndex(of: name) else { preconditionFailure("unknown ingredient \(name)") }
        return index
    }

    static func mask(_ names: [String]) -> UInt64 {
        names.reduce(0) { $0 | 1 << UInt64(ingredient($1)) }
    }

    /// The allergens recipes declare; an allergen's index is its bit in allergen masks.
    static let allergens = ["nut", "gluten", "dairy", "shellfish", "egg", "fish", "soy", "sesame"]

    /// The mask of the named allergens (names not in `allergens` have no bit).
    static func allergenMask(_ names: [String]) -> UInt8 {
        names.reduce(0) { mask, name in allergens.firstIndex(of: name).map { mask | 1 << UInt8($0) } ?? mask }
    }

    /// The allergens each ingredient carries.
    static let allergensOfIngredient: [String: [String]] = [
        "peanuts": ["nut"], "almonds": ["nut"], "cashews": ["nut"],
        "pasta": ["gluten"], "noodles": ["gluten"], "tortillas": ["gluten"], "bread": ["gluten"],
        "couscous": ["gluten"],
        "soy sauce": ["gluten", "soy"], "tofu": ["soy"],
        "cheese": ["dairy"], "cream": ["dairy"], "butter": ["dairy"], "yogurt": ["dairy"], "milk": ["dairy"],
        "paneer": ["dairy"],
        "shrimp": ["shellfish"], "eggs": ["egg"], "salmon": ["fish"], "sesame": ["sesame"],
    ]

    static let cuisineTags = [
        "italian", "mexican", "indian", "chinese", "japanese", "thai", "korean", "mediterranean", "american", "french",
    ]
    static let styleTags = [
        "vegetarian", "vegan", "spicy", "quick", "kid-friendly", "comfort", "healthy", "high-protein",
    ]
    /// Every tag a recipe can carry, in the order recipes list them; preferences name tags too.
    static let tags = cuisineTags + styleTags

    static func tag(_ name: String) -> Int {
        guard let index = tags.firstIndex(of: name) else { preconditionFailure("unknown tag \(name)") }
        return index
    }

    static let regions = ["north", "south", "east", "west", "central"]

    /// Restrictions and how often households have them. Each names an allergen the way the data
    /// contract reads it (`nut-allergy` and `nut-free` both forbid `nut`).
    static let restrictions: [(name: String, weight: Double)] = [
        ("nut-allergy", 18), ("nut-free", 7), ("gluten-free", 25), ("dairy-free", 20), ("shellfish-allergy", 12),
        ("egg-free", 6), ("fish-allergy", 5), ("soy-free", 4), ("sesame-allergy", 3),
    ]

    /// The allergen a restriction forbids: the part before a final `-allergy` or `-free`, else
    /// the whole name (docs/datasets.md).
    static func allergen(ofRestriction restriction: String) -> String {
        for suffix in ["-allergy", "-free"] where restriction.hasSuffix(suffix) {
            return String(restriction.dropLast(suffix.count))
        }
        return restriction
    }

    /// Ingredients people dislike enough to exclude.
    static let excludable = [
        "mushrooms", "olives", "cilantro", "eggplant", "shrimp", "salmon", "pork", "beef", "tofu", "coconut milk",
        "chili",
        "cabbage", "avocado", "zucchini",
    ]

    /// How a pantry holds each ingredient, by ingredient index.
    static let pantryUnits = ingredients.map(pantryUnit)

    /// How a pantry holds an ingredient: its unit, the quantities it comes in, and how likely
    /// a household is to keep it (staples more than the rest).
    private static func pantryUnit(_ ingredient: String) -> (unit: String, quantities: [Double], weight: Double) {
        switch ingredient {
        case "rice", "pasta", "potatoes", "quinoa", "couscous", "lentils": ("kg", [0.5, 1, 2, 3], 3)
        case "noodles", "tortillas", "bread": ("pack", [1, 2], 2)
        case "milk", "cream", "coconut milk", "olive oil", "soy sauce": ("l", [0.25, 0.5, 1, 2], 2)
        case "chickpeas", "black beans", "curry paste": ("can", [1, 2, 3, 4], 2)
        case "eggs", "onion", "garlic", "tomato", "bell pepper", "carrot", "lemon", "avocado", "cucumber", "zucchini",
            "eggplant":
            ("pcs", [2, 3, 4, 6, 12], 3)
        case "cilantro", "basil", "spinach": ("bunch", [1, 2], 1)
        default: ("g", [100, 200, 250, 400, 500], 1)
        }
    }
}

/// A dish shape: its name, the bases it is made on, how long it takes, and the tags it gives.
struct DishForm {
    var name: String
    var bases: [String]
    var prepMinutes: Int
    var tags: [String]
}

/// A protein with its display name, cost per serving and effect on preparation time.
struct Protein {
    var ingredient: String
    var display: String
    var costPerServing: Double
    var extraMinutes: Int
    var isMeatOrFish: Bool

    init(_ ingredient: String, _ display: String, cost: Double, minutes: Int, meatOrFish: Bool) {
        self.ingredient = ingredient
        self.display = display
        costPerServing = cost
        extraMinutes = minutes
        isMeatOrFish = meatOrFish
    }
}

/// A cuisine: the forms it cooks, the ingredients its dishes draw on, and how often they are spicy.
struct Cuisine {
    var tag: String
    var display: String
    var forms: [String]
    var ingredients: [String]
    var spicyChance: Double
}

extension Vocabulary {
    static let forms: [String: DishForm] = Dictionary(
        uniqueKeysWithValues: [
            DishForm(name: "Pasta", bases: ["pasta"], prepMinutes: 25, tags: ["comfort", "kid-friendly"]),
            DishForm(name: "Risotto", bases: ["rice"], prepMinutes: 40, tags: ["comfort"]),
            DishForm(name: "Bake", bases: ["potatoes", "pasta"], prepMinutes: 50, tags: ["comfort", "kid-friendly"]),
            DishForm(name: "Salad", bases: [], prepMinutes: 15, tags: ["healthy"]),
            DishForm(name: "Soup", bases: ["bread"], prepMinutes: 35, tags: ["comfort"]),
            DishForm(name: "Tacos", bases: ["tortillas"], prepMinutes: 25, tags: ["kid-friendly"]),
            DishForm(name: "Burrito Bowl", bases: ["rice"], prepMinutes: 30, tags: ["healthy"]),
            DishForm(name: "Curry", bases: ["rice"], prepMinutes: 40, tags: ["comfort"]),
            DishForm(name: "Stir-Fry", bases: ["noodles", "rice"], prepMinutes: 20, tags: []),
            DishForm(name: "Wrap", bases: ["tortillas"], prepMinutes: 15, tags: ["kid-friendly"]),
            DishForm(name: "Ramen", bases: ["noodles"], prepMinutes: 35, tags: ["comfort"]),
            DishForm(name: "Bibimbap", bases: ["rice"], prepMinutes: 35, tags: ["healthy"]),
            DishForm(name: "Tagine", bases: ["couscous"], prepMinutes: 55, tags: ["comfort"]),
            DishForm(name: "Grain Bowl", bases: ["quinoa", "rice"], prepMinutes: 25, tags: ["healthy"]),
            DishForm(name: "Skillet", bases: ["potatoes"], prepMinutes: 30, tags: []),
            DishForm(name: "Fried Rice", bases: ["rice"], prepMinutes: 20, tags: ["kid-friendly"]),
            DishForm(name: "Sandwich", bases: ["bread"], prepMinutes: 10, tags: ["kid-friendly"]),
        ].map { ($0.name, $0) })

    static let proteins = [
        Protein("chicken", "Chicken", cost: 3.0, minutes: 5, meatOrFish: true),
        Protein("beef", "Beef", cost: 4.5, minutes: 10, meatOrFish: true),
        Protein("pork", "Pork", cost: 3.2, minutes: 10, meatOrFish: true),
        Protein("salmon", "Salmon", cost: 5.0, minutes: 0, meatOrFish: true),
        Protein("shrimp", "Shrimp", cost: 5.0, minutes: -5, meatOrFish: true),
        Protein("tofu", "Tofu", cost: 1.8, minutes: 0, meatOrFish: false),
        Protein("chickpeas", "Chickpea", cost: 1.0, minutes: 0, meatOrFish: false),
        Protein("lentils", "Lentil", cost: 0.9, minutes: 10, meatOrFish: false),
        Protein("black beans", "Black Bean", cost: 0.9, minutes: 0, meatOrFish: false),
        Protein("eggs", "Egg", cost: 1.2, minutes: -5, meatOrFish: false),
        Protein("paneer", "Paneer", cost: 2.5, minutes: 0, meatOrFish: false),
        Protein("mushrooms", "Mushroom", cost: 2.0, minutes: 0, meatOrFish: false),
    ]

    static let cuisines = [
        Cuisine(
            tag: "italian", display: "Italian", forms: ["Pasta", "Risotto", "Bake", "Soup", "Salad"],
            ingredients: [
                "tomato", "garlic", "basil", "cheese", "olive oil", "spinach", "zucchini", "cream", "olives",
            ],
            spicyChance: 0.1),
        Cuisine(
            tag: "mexican", display: "Mexican", forms: ["Tacos", "Burrito Bowl", "Wrap", "Soup", "Skillet"],
            ingredients: ["tomato", "onion", "corn", "avocado", "cilantro", "chili", "cheese", "bell pepper", "lemon"],
            spicyChance: 0.6),
        Cuisine(
            tag: "indian", display: "Indian", forms: ["Curry", "Wrap", "Soup", "Skillet", "Grain Bowl"],
            ingredients: [
                "onion", "garlic", "ginger", "tomato", "yogurt", "cream", "spinach", "peas", "chili", "cilantro",
                "cashews",
                "coconut milk",
            ],
            spicyChance: 0.7),
        Cuisine(
            tag: "chinese", display: "Chinese", forms: ["Stir-Fry", "Fried Rice", "Soup", "Salad"],
            ingredients: [
                "garlic", "ginger", "soy sauce", "broccoli", "bell pepper", "cabbage", "chili", "sesame", "peanuts",
                "carrot",
            ],
            spicyChance: 0.4),
        Cuisine(
            tag: "japanese", display: "Japanese", forms: ["Ramen", "Grain Bowl", "Stir-Fry", "Salad"],
            ingredients: ["soy sauce", "ginger", "sesame", "cabbage", "carrot", "cucumber", "spinach", "corn"],
            spicyChance: 0.1),
        Cuisine(
            tag: "thai", display: "Thai", forms: ["Curry", "Stir-Fry", "Salad", "Soup"],
            ingredients: [
                "coconut milk", "curry paste", "chili", "peanuts", "lemon", "basil", "cilantro", "bell pepper",
                "ginger",
            ],
            spicyChance: 0.8),
        Cuisine(
            tag: "korean", display: "Korean", forms: ["Bibimbap", "Stir-Fry", "Fried Rice", "Soup"],
            ingredients: [
                "chili", "garlic", "sesame", "soy sauce", "cabbage", "carrot", "spinach", "ginger", "cucumber",
            ],
            spicyChance: 0.6),
        Cuisine(
            tag: "mediterranean", display: "Mediterranean", forms: ["Salad", "Grain Bowl", "Wrap", "Tagine", "Bake"],
            ingredients: [
                "olive oil", "lemon", "tomato", "cucumber", "olives", "eggplant", "yogurt", "garlic", "zucchini",
                "almonds",
            ],
            spicyChance: 0.1),
        Cuisine(
            tag: "american", display: "American", forms: ["Sandwich", "Bake", "Skillet", "Salad", "Wrap"],
            ingredients: ["cheese", "butter", "onion", "tomato", "corn", "bell pepper", "milk", "carrot", "broccoli"],
            spicyChance: 0.15),
        Cuisine(
            tag: "french", display: "French", forms: ["Bake", "Soup", "Salad", "Skillet"],
            ingredients: ["butter", "cream", "garlic", "onion", "cheese", "spinach", "carrot", "lemon", "peas"],
            spicyChance: 0.0),
    ]
}
