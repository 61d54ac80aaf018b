import ExpctlDesiredState
import ExpctlModel
import Foundation
import Testing

@Suite("Rules about files: syntax, encoding, size, keys")
struct FileRulesTests {
    @Test func validTreeHasNoDiagnostics() {
        let (state, diagnostics) = validate(validTree)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(describe))")
        #expect(
            state.counts
                == ResourceCounts(
                    experiments: 1, variants: 2, policies: 1, policyVersions: 2, trainings: 1, promotions: 1))
        #expect(state.experiments[0].baseline == "control")
        #expect(state.experiments[0].variants[1].allocation == Allocation(buckets: 1_000))
        #expect(state.trainings[0].learningRate == 1.0e-4)
        #expect(state.gates == Gates())
    }

    @Test func yamlSyntaxErrorHasItsPosition() {
        let diagnostics = validate(replacing: ["broken.yaml": "experiments:\n  - name: \"unterminated\n"])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location.path == "broken.yaml")
        // Reported where the input ends, naming where the string started.
        #expect(diagnostics.first?.location.line == 3)
        #expect(diagnostics.first?.message == "YAML: unterminated double-quoted string (started at line 2)")
    }

    @Test func invalidUTF8IsReportedWithPosition() {
        var bytes = Array("experiments:\n  - name: caf".utf8)
        bytes += [0xC3, 0x28]
        let fragment = bytes.withUnsafeBufferPointer { FileDecoder.decode(path: "latin1.yaml", bytes: $0) }
        #expect(fragment.diagnostics.count == 1)
        let diagnostic = fragment.diagnostics.first
        #expect(diagnostic?.message.contains("not valid UTF-8") == true)
        #expect(diagnostic?.location.line == 2)
        #expect(diagnostic?.location.column == 14)
    }

    @Test func fileOverOneMebibyteIsRefusedUnparsed() {
        let text = "# " + String(repeating: "x", count: FileDecoder.maxFileSize) + "\n"
        let diagnostics = validate(replacing: ["huge.yaml": text])
        expectSingleError(diagnostics, at: "huge.yaml:1:1", message: "over the limit of 1048576 bytes", hint: "split")
    }

    @Test func unknownTopLevelKeyGetsDidYouMean() {
        let diagnostics = validate(replacing: ["extra.yaml": "experiment:\n  - name: x\n"])
        expectSingleError(
            diagnostics, at: "extra.yaml:1:1", message: "unknown field 'experiment'",
            hint: "did you mean `experiments`?")
    }

    @Test func unknownFieldGetsDidYouMean() {
        let diagnostics = validate(replacing: [
            "experiments/planner.yaml": validTree["experiments/planner.yaml"]!.replacingFirst(
                "allocation: 0.1", with: "alocation: 0.1")
        ])
        // Only the misspelt key: that allocation is then missing goes without saying.
        #expect(diagnostics.count == 1)
        let unknown = diagnostics.first
        #expect(unknown?.location.description == "experiments/planner.yaml:11:9")
        #expect(unknown?.message == "unknown field 'alocation' in a variant")
        #expect(unknown?.hint == "did you mean `allocation`?")
        #expect(unknown?.resource == "experiment planner_policy_exp")
        #expect(unknown?.field == "variants[1].alocation")
    }

    @Test func repeatedKeyNamesBothLines() {
        let diagnostics = validate(replacing: [
            "promotions.yaml":
                "promotions:\n  - model: planner_model\n    version: 1\n    version: 2\n    stage: production\n"
        ])
        let diagnostic = expectSingleError(diagnostics, at: "promotions.yaml:4:5", message: "'version' is repeated")
        #expect(diagnostic?.message.contains("line 3") == true)
    }

    @Test func wrongTypesAreNamed() {
        let diagnostics = validate(replacing: [
            "training.yaml": validTree["training.yaml"]!.replacingFirst("epochs: 3", with: "epochs: \"3\"")
        ])
        expectSingleError(
            diagnostics, at: "training.yaml:9:13", message: "expected an integer, found a string",
            hint: "remove the quotes", field: "epochs")
        let listWhereMapping = validate(replacing: ["x.yaml": "experiments: {name: x}\n"])
        expectSingleError(
            listWhereMapping, at: "x.yaml:1:14", message: "expected a list, found a mapping", field: "experiments")
        let notAMapping = validate(replacing: ["x.yaml": "- just\n- a list\n"])
        expectSingleError(notAMapping, at: "x.yaml:1:1", message: "expected a desired-state file")
    }

    @Test func emptyAndCommentOnlyFilesAreFine() {
        #expect(validate(replacing: ["empty.yaml": "", "comments.yml": "# nothing yet\n"]).isEmpty)
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...8 {
            let previous = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(level - 1)))
            let name = Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(level)))
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        let clock = ContinuousClock()
        var fragment: FileFragment?
        let elapsed = clock.measure { fragment = FileDecoder.decode(path: "lol.yaml", text: text) }
        #expect(fragment?.diagnostics.count == 1)
        #expect(fragment?.diagnostics.first?.message.contains("alias") == true)
        // Milliseconds in release; the bound leaves room for a debug build on a busy machine.
        #expect(elapsed < .milliseconds(500))
    }

    @Test func deepNestingIsRefused() {
        let text = "experiments: " + String(repeating: "[", count: 100_000)
        let fragment = FileDecoder.decode(path: "deep.yaml", text: text)
        #expect(fragment.diagnostics.count == 1)
        #expect(fragment.diagnostics.first?.message == "YAML: collections are nested more than 64 levels deep")
        // At the first collection past the limit: the top-level mapping and 63 lists make 64,
        // so the 64th '[' (column 14 + 63) is one too many.
        #expect(fragment.diagnostics.first?.location.description == "deep.yaml:1:77")
    }

    @Test func gatesDeclaredTwiceNamesTheFirst() {
        let diagnostics = validate(replacing: [
            "gates-a.yaml": "gates:\n  online:\n    alpha: 0.05\n",
            "gates-b.yaml": "gates:\n  offline:\n    alpha: 0.01\n",
        ])
        expectSingleError(
            diagnostics, at: "gates-b.yaml:2:3",
            message: "gate profile 'default' is defined twice: here and at gates-a.yaml:2:3")
    }

    @Test func nonYAMLFilesAreNotDesiredState() {
        #expect(DesiredStateLoader.isDesiredStateFile("a/b.yaml"))
        #expect(DesiredStateLoader.isDesiredStateFile("b.yml"))
        #expect(!DesiredStateLoader.isDesiredStateFile("README.md"))
        #expect(!DesiredStateLoader.isDesiredStateFile("b.yaml.orig"))
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else {
            Issue.record("'\(target)' not found")
            return self
        }
        return replacingCharacters(in: range, with: replacement)
    }
}
