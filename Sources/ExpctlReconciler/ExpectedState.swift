public import ExpctlPlan

/// What an apply checks the systems against before it writes: the state a pass observed a
/// moment ago (compared value for value, which is cheap), or a saved plan's digests.
public enum ExpectedState: Sendable {
    case observed(ObservedState)
    case digests(StateDigests)

    /// Whether the registry was read for the plan, so that apply must check it too.
    var coversRegistry: Bool {
        switch self {
        case .observed(let state): state.registryWasRead
        case .digests(let digests): digests.registry != nil
        }
    }

    var database: Expectation<ActualState> {
        switch self {
        case .observed(let state): .value(state.database)
        case .digests(let digests): .digest(digests.database)
        }
    }

    var jobs: Expectation<JobLedgerState> {
        switch self {
        case .observed(let state): .text(state.jobs.canonicalText)
        case .digests(let digests): .digest(digests.jobs)
        }
    }

    var registry: Expectation<RegistryState>? {
        switch self {
        case .observed(let state): coversRegistry ? state.registry.state.map { .value($0) } : nil
        case .digests(let digests): digests.registry.map { .digest($0) }
        }
    }
}

/// One part's expected value: the value itself, its canonical text, or its digest.
enum Expectation<Part: DigestiblePart> {
    case value(Part)
    case text(String)
    case digest(String)

    func matches(_ current: Part) -> Bool {
        switch self {
        case .value(let value): value == current
        case .text(let text): text == current.canonicalText
        case .digest(let digest): digest == current.digest
        }
    }
}

/// A part of the observed state: comparable, with a canonical text and its digest.
protocol DigestiblePart: Equatable {
    var canonicalText: String { get }
    var digest: String { get }
}

extension ActualState: DigestiblePart {}
extension JobLedgerState: DigestiblePart {}
extension RegistryState: DigestiblePart {}
