import ExpctlModel

/// Checks of what a job says it registered against what MLflow holds.
enum RegistryChecks {
    /// What needing `trained`'s model version means with the registry read: its own readiness
    /// until the job registered a version, then ready only if MLflow holds it as the job's.
    static func readiness(of trained: TrainingDependency, model: String, in registry: RegistryState) -> Readiness {
        guard let number = trained.version, let job = trained.job else { return trained.readiness }
        return trainedVersion(model, number, registeredBy: job, in: registry).map { .blocked(reason: $0) } ?? .ready
    }

    /// Nil when `model` version `number` is a READY version of the registry tagged as
    /// registered by `job`; else why an action needing it is blocked. A version with the
    /// training's tag but not the job's (registered by hand, or by an earlier job) never counts.
    static func trainedVersion(
        _ model: String, _ number: String, registeredBy job: LedgerJob, in registry: RegistryState
    ) -> BlockReason? {
        let evidence = Evidence(
            state: "succeeded", waitsFor: "MLflow to hold the version the job registered",
            detail: "job \(job.id) recorded \(model) version \(number)")
        let dependency = Dependency.job(JobDependency(job: job.key, evidence: evidence))
        guard let version = registry.models[model]?.versions[number] else {
            return BlockReason(
                kind: .modelVersionMissing,
                message: "job \(job.key) (\(job.id)) registered \(model) version \(number), which MLflow does not have",
                hint: "check the MLflow server expctl uses; "
                    + "if the version was deleted, change the training config in git to train again",
                dependency: dependency)
        }
        guard version.isReady else {
            return BlockReason(
                kind: .modelVersionMissing,
                message: "\(model) version \(number), registered by job \(job.key), is \(version.status), not READY",
                hint: "wait for MLflow to finish the registration", dependency: dependency)
        }
        guard version.tags[RegistryTags.job] == job.id else {
            let tagged = version.tags[RegistryTags.job].map { "tagged \(RegistryTags.job)=\($0)" }
                ?? "not tagged \(RegistryTags.job)"
            return BlockReason(
                kind: .modelVersionMissing,
                message: "\(model) version \(number) is \(tagged): it is not the version job \(job.key) (\(job.id)) registered",
                hint: "check the job's result in exp.jobs and the version's tags in MLflow", dependency: dependency)
        }
        return nil
    }
}
