import ExpctlModel
import Foundation
import Testing

@testable import ExpctlTraining

/// The pieces that make results bit-identical: own `exp`/`log`, own shuffle, exact sizes.
@Suite("Deterministic arithmetic")
struct DeterminismTests {
    @Test func expAndLogAgreeWithTheCLibraryToAFewUlp() {
        var random = TestRandom(seed: 1)
        for _ in 0..<20_000 {
            let x = (random.unit() - 0.5) * 1_400
            let expected = Foundation.exp(x)
            #expect(abs(DeterministicMath.exp(x) - expected) <= 4 * expected.ulp, "exp(\(x))")
            let y = Foundation.exp((random.unit() - 0.5) * 1_400)
            #expect(
                abs(DeterministicMath.log(y) - Foundation.log(y)) <= 4 * Foundation.log(y).magnitude.ulp + 1e-300,
                "log(\(y))")
        }
        #expect(DeterministicMath.exp(0) == 1)
        #expect(DeterministicMath.log(1) == 0)
        #expect(DeterministicMath.exp(-800) == 0)
        #expect(DeterministicMath.exp(800) == .infinity)
        #expect(DeterministicMath.log(0) == -.infinity)
        #expect(DeterministicMath.log(Double.leastNonzeroMagnitude) == Foundation.log(Double.leastNonzeroMagnitude))
    }

    @Test func theShuffleDependsOnTheSeedOnly() {
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        var a = Array(0..<100)
        var b = Array(0..<100)
        first.shuffle(&a)
        second.shuffle(&b)
        #expect(a == b)
        #expect(a != Array(0..<100))
        // SplitMix64's published first output for seed 0.
        var zero = SplitMix64(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func canonicalSizesEqualTheLengthOfTheCanonicalText() {
        var random = TestRandom(seed: 2)
        for _ in 0..<20_000 {
            let value: Double
            switch random.below(5) {
            case 0: value = Double(random.below(100_000)) / 100
            case 1: value = Double(random.below(1_000)) / 8
            case 2: value = Double(bitPattern: random.next())
            case 3: value = (random.unit() - 0.5) * 1e20
            default: value = Double(random.below(10_000)) / 10_000 * (random.below(2) == 0 ? -1 : 1)
            }
            #expect(CanonicalSize.double(value) == JSONValue.double(value).canonicalText.utf8.count, "\(value)")
        }
        for value in [0.0, -0.0, 1e16, 1e-4, 9.99e-5, 123456789.5, 1e9, .infinity, -.nan] {
            #expect(CanonicalSize.double(value) == JSONValue.double(value).canonicalText.utf8.count, "\(value)")
        }
        for text in ["", "plain", "quote\"", "back\\slash", "tab\t", "\u{01}", "ü🍝"] {
            #expect(CanonicalSize.string(text) == JSONValue.string(text).canonicalText.utf8.count)
        }
        for row in SyntheticPlanner().rows(count: 200, seed: 3) + [HandMade.row] {
            #expect(CanonicalSize.input(row.input) == row.input.json.canonicalText.utf8.count)
            #expect(
                CanonicalSize.plan(row.target.acceptedPlan) == row.target.acceptedPlan.json.canonicalText.utf8.count)
        }
    }

    @Test func restrictionsNameAllergens() {
        #expect(Restriction.allergen(of: "nut-allergy") == "nut")
        #expect(Restriction.allergen(of: "nut-free") == "nut")
        #expect(Restriction.allergen(of: "nut") == "nut")
        #expect(Restriction.allergen(of: "tree-nut-free") == "tree-nut")
        #expect(Restriction.allergen(of: "gluten-free-allergy") == "gluten-free")
        #expect(Restriction.allergen(of: "-free") == "-free")
    }

    @Test func preparingAnInputInternsItsRules() {
        let prepared = HandMade.catalog.prepare(HandMade.input)
        let admissible = HandMade.catalog.recipes.indices.filter(prepared.isAdmissible).map {
            HandMade.catalog.recipes[$0].recipeID
        }
        #expect(admissible == ["r1", "r2", "r3", "r6", "r8"])
        #expect(prepared.pantryNameCount == 3)
        #expect(
            prepared.profileKeys == [
                "global", "workflow=plan-first", "prefs=vegetarian", "size=2|region=north|prefs=vegetarian",
                "size=2|region=north|prefs=vegetarian|workflow=plan-first",
            ])
        // r1, r3, r5 and r8 use rice; r6 tomatoes: half of each's ingredients.
        #expect(
            prepared.featureRecipes.map { HandMade.catalog.recipes[Int($0)].recipeID } == [
                "r1", "r3", "r5", "r6", "r8",
            ])
        #expect(prepared.featurePantryShares == [0.5, 0.5, 0.5, 0.5, 0.5])
    }
}
