import ArgumentParser
import ExpctlMLflow
import ExpctlPlan
import ExpctlStore
import Foundation

/// `expctl apply`: carries out a saved plan exactly, or plans and applies after confirmation.
struct ApplyCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a saved plan, or plan and apply the desired state at a ref.",
        discussion: """
            With PLANFILE, applies exactly that plan and refuses it if the database changed since \
            it was made. Without, plans and asks for confirmation on a terminal unless \
            --auto-approve. All changes of a plan commit together or not at all.
            """)

    @Argument(help: "A plan saved by `expctl plan --out FILE`.")
    var planFile: String?

    @OptionGroup var source: SourceOptions
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var mlflow: MLflowOptions
    @OptionGroup var parallelism: ParallelismOption

    @Flag(help: "Apply without asking for confirmation.")
    var autoApprove = false

    func execute(console: any Console) throws -> Int32 {
        let store = try database.openStore()
        try storeStep {
            try store.migrate()
            try store.markInterruptedRuns()
        }
        let plan: Plan
        let ref: String?
        let expectedDigest: String
        let registry: MLflowRegistryApplier?
        let expectedRegistryDigest: String?
        if let planFile {
            let saved = try loadPlanFile(planFile)
            plan = saved.plan
            ref = saved.ref
            expectedDigest = saved.actualStateDigest
            expectedRegistryDigest = saved.registryStateDigest
            registry = saved.registryStateDigest == nil ? nil : mlflow.registry(models: saved.registryModels, parallelism: parallelism.parallelism)
            if saved.registryStateDigest != nil, registry == nil {
                throw UserFacingError(message: "the plan in \(planFile) was made against the MLflow model registry: set MLFLOW_TRACKING_URI or pass --mlflow-url to apply it")
            }
        } else {
            guard let planned = try PlannedChange.make(
                source: source, store: store, mlflow: mlflow, parallelism: parallelism.parallelism, console: console, format: .text) else {
                return ExitStatus.failure
            }
            plan = planned.plan
            ref = planned.snapshot.commit.refName
            expectedDigest = planned.digest
            registry = planned.registry
            expectedRegistryDigest = planned.registryDigest
            console.write(PlanText.render(plan))
            guard plan.isApplicable else { return ExitStatus.failure }
            guard plan.hasReadyChanges else { return ExitStatus.success }
            if !autoApprove {
                guard console.isInteractive else {
                    throw UserFacingError(message: "not applying: no terminal to confirm on; pass --auto-approve, or apply a saved plan file")
                }
                let answer = console.ask("\nDo you want to perform these actions? Only 'yes' will be accepted to approve.\n  Enter a value: ")
                guard answer?.trimmingCharacters(in: .whitespaces) == "yes" else {
                    console.line("\nApply cancelled.")
                    return ExitStatus.failure
                }
            }
        }
        let outcome: ExpStore.ApplyOutcome
        do {
            outcome = try storeStep {
                try store.apply(
                    plan, ref: ref, expectedDigest: expectedDigest, registry: registry, expectedRegistryDigest: expectedRegistryDigest)
            }
        } catch let error as UserFacingError where planFile != nil && error.message.hasPrefix("the plan is stale") {
            throw UserFacingError(message: "the plan in \(planFile!) is stale: \(error.message.dropFirst("the plan is stale: ".count))")
        }
        console.line("\nApply complete! Resources: \(plan.count(.create)) added, \(plan.count(.update)) changed, \(plan.count(.retire)) retired.")
        switch outcome.actionsWaiting {
        case 0: break
        case 1: console.line("1 action waits on a job or gate and was not applied; a later apply carries it out once ready.")
        case let count: console.line("\(count) actions wait on jobs or gates and were not applied; a later apply carries them out once ready.")
        }
        return ExitStatus.success
    }

    private func loadPlanFile(_ path: String) throws -> PlanFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw UserFacingError(message: "cannot read the plan file \(path): \(error.localizedDescription)")
        }
        switch PlanFile.parse(text) {
        case .success(let file): return file
        case .failure(let problem): throw UserFacingError(message: "\(path): \(problem)")
        }
    }
}
