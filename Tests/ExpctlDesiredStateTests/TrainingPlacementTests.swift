import ExpctlDesiredState
import ExpctlModel
import Testing

private let builtin = validTree["training.yaml"]!
/// The valid training as a team's command, with `extra` lines appended to it.
private func command(_ extra: String = "") -> String {
    builtin + """

            runner: command
            command: [python3, train.py]
            evaluation:
              command: [python3, predict.py, "{rows_file}", "{predictions_file}"]
        """ + extra
}

private func decoded(_ file: String, path: String = "training.yaml") -> (TrainingConfig?, [Diagnostic]) {
    var files = validTree
    files["training.yaml"] = nil
    files[path] = file
    let (state, diagnostics) = validate(files)
    return (state.trainings.first, diagnostics)
}

@Suite("A command training's code and resources")
struct TrainingPlacementTests {
    @Test func codeDefaultsToTheTrainingFilesFolderAndIsNormalized() {
        let (nested, none) = decoded(command(), path: "teams/planner/training.yaml")
        #expect(none.isEmpty, "\(none.map(describe))")
        #expect(nested?.code == ["teams/planner"])
        let (root, _) = decoded(command())
        #expect(root?.code == ["."])
        let (given, _) = decoded(command("\n    code: [./training/, lib/util.py]"))
        #expect(given?.code == ["training", "lib/util.py"])
        let (plain, _) = decoded(builtin)
        #expect(plain?.code == [])
    }

    @Test(arguments: ["[../elsewhere]", "[/etc/passwd]", "[~/train.py]"])
    func aCodePathOutsideTheRepositoryIsRefused(paths: String) {
        let (config, diagnostics) = decoded(command("\n    code: \(paths)"))
        #expect(config == nil)
        expectSingleError(
            diagnostics, at: "training.yaml:15:12", message: "is not a path inside the repository",
            hint: "relative to the repository's root", field: "code[0]")
    }

    @Test func codeAndResourcesBelongToCommandTrainings() {
        let (_, code) = decoded(builtin + "\n    code: [train.py]")
        expectSingleError(
            code, at: "training.yaml:11:11", message: "code is set but the runner is builtin", field: "code")
        let (_, resources) = decoded(builtin + "\n    resources: { cpus: 2 }")
        expectSingleError(
            resources, at: "training.yaml:11:16", message: "resources is set but the runner is builtin",
            field: "resources")
    }

    @Test func resourcesTakeCountsAndKubernetesQuantities() {
        let (config, none) = decoded(command("\n    resources: { cpus: 4, gpus: 0.5, memory: 8Gi }"))
        #expect(none.isEmpty, "\(none.map(describe))")
        #expect(config?.resources == JobResources(cpus: 4, gpus: 0.5, memory: 8 << 30))
        let (_, invalid) = decoded(command("\n    resources: { memory: lots }"))
        expectSingleError(
            invalid, at: "training.yaml:15:26", message: "invalid memory 'lots'", hint: "512Mi",
            field: "resources.memory")
        let (_, negative) = decoded(command("\n    resources: { gpus: -1 }"))
        expectSingleError(
            negative, at: "training.yaml:15:24", message: "gpus must be 0 or more", field: "resources.gpus")
        let (_, unknown) = decoded(command("\n    resources: { cpu: 1 }"))
        #expect(unknown.first?.message.contains("cpu") == true, "\(unknown.map(describe))")
        #expect(JobResources.bytes("512Mi") == 512 << 20)
        #expect(JobResources.bytes("2G") == 2_000_000_000)
        #expect(JobResources.bytes("1024") == 1024)
        #expect(JobResources.bytes("9999999999Ti") == nil)
        #expect(JobResources.bytes("0") == nil)
    }

    @Test func resourcesAreRecordedButAreNotTheJobsIdentityWhileCodeIs() throws {
        let (decodedConfig, _) = decoded(command("\n    resources: { cpus: 2, memory: 1Gi }"))
        var config = try #require(decodedConfig)
        config.codeFiles = ["train.py": String(repeating: "a", count: 40)]
        let digest = config.inputsDigest
        var moreCPUs = config
        moreCPUs.resources = JobResources(cpus: 8)
        #expect(moreCPUs.inputsDigest == digest)
        #expect(moreCPUs.jobInputs != config.jobInputs)
        var otherCode = config
        otherCode.codeFiles["train.py"] = String(repeating: "b", count: 40)
        #expect(otherCode.inputsDigest != digest)
        // The runner reads the job back from its inputs: code and resources included.
        let origin = SourceLocation(path: "exp.jobs/x", line: 1, column: 1)
        let back = try TrainingConfig.fromJobInputs(config.jobInputs, name: config.name, origin: origin).get()
        #expect(back.codeFiles == config.codeFiles)
        #expect(back.resources == config.resources)
        var tampered = config.jobInputs
        tampered["code"] = .object(["../x": .string(String(repeating: "a", count: 40))])
        #expect((try? TrainingConfig.fromJobInputs(tampered, name: config.name, origin: origin).get()) != nil)
        tampered["code"] = .object(["train.py": .string("not-a-blob")])
        #expect((try? TrainingConfig.fromJobInputs(tampered, name: config.name, origin: origin).get()) == nil)
    }
}
