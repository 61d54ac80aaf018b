public import ExpctlGit

/// What the loop asks of a commit before it plans it: that it descends from the last applied
/// one (fast-forward only, as Flux's and Argo CD's history would otherwise be rewritten under
/// them) and, when asked for, that an allowed key signed it (their `verify`).
///
/// `plan` and `apply` use `.none`: a pull request's branch need not descend from what is
/// applied, and it is read, not followed.
public struct RevisionRules: Sendable {
    public var fastForwardOnly: Bool
    public var signatures: SignatureVerifier?

    public init(fastForwardOnly: Bool, signatures: SignatureVerifier?) {
        self.fastForwardOnly = fastForwardOnly
        self.signatures = signatures
    }

    public static let none = RevisionRules(fastForwardOnly: false, signatures: nil)
}

/// Applies the rules pass after pass, remembering the last commit's signature verdict (a pass
/// every few seconds must not run ssh-keygen or gpg every time for the same commit).
final class RevisionCheck {
    let rules: RevisionRules
    private var lastVerdict: (commit: String, verdict: SignatureVerifier.Verdict)?

    init(rules: RevisionRules) { self.rules = rules }

    /// Why `revision` may not be applied, nil when it may. `lastApplied` is read only when
    /// fast-forward is asked for.
    func refusal(
        of revision: SourceRevision, history: (any SourceHistory)?, lastApplied: () throws -> String?
    ) throws(PassError) -> StallReason? {
        if let verifier = rules.signatures {
            guard let history else { return .signatureRefused("this source cannot show commit signatures") }
            let verdict: SignatureVerifier.Verdict
            if let last = lastVerdict, last.commit == revision.commit {
                verdict = last.verdict
            } else {
                do {
                    verdict = verifier.verify(try history.signature(of: revision.commit))
                } catch {
                    throw .source(error)
                }
                lastVerdict = (revision.commit, verdict)
            }
            if case .refused(let problem) = verdict { return .signatureRefused(problem) }
        }
        guard rules.fastForwardOnly, let history else { return nil }
        let applied: String?
        do {
            applied = try lastApplied()
        } catch {
            throw .database(error)
        }
        guard let applied else { return nil }
        do {
            return try history.commit(revision.commit, descendsFrom: applied)
                ? nil : .historyRewritten(applied: applied)
        } catch {
            throw .source(error)
        }
    }
}
