import ArgumentParser
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

    @Flag(help: "Apply without asking for confirmation.")
    var autoApprove = false

    func execute(console: any Console) throws -> Int32 {
        let store = try database.openStore()
        try storeStep { try store.migrate() }
        let plan: Plan
        let ref: String?
        let expectedDigest: String
        if let planFile {
            let saved = try loadPlanFile(planFile)
            plan = saved.plan
            ref = saved.ref
            expectedDigest = saved.actualStateDigest
        } else {
            guard let planned = try PlannedChange.make(source: source, store: store, console: console, format: .text) else {
                return ExitStatus.failure
            }
            plan = planned.plan
            ref = planned.snapshot.commit.refName
            expectedDigest = planned.digest
            console.write(PlanText.render(plan))
            guard plan.isApplicable else { return ExitStatus.failure }
            guard plan.hasChanges else { return ExitStatus.success }
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
        do {
            try storeStep { try store.apply(plan, ref: ref, expectedDigest: expectedDigest) }
        } catch let error as UserFacingError where planFile != nil && error.message.hasPrefix("the plan is stale") {
            throw UserFacingError(message: "the plan in \(planFile!) is stale: the database changed since it was made; run expctl plan again")
        }
        console.line("\nApply complete! Resources: \(plan.count(.create)) added, \(plan.count(.update)) changed, \(plan.count(.retire)) retired.")
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
