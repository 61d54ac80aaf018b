/// Events waiting to be written in time order: sessions go in as they are made, and come out
/// by time (then household, then a generation before its acceptance) once a day is complete.
/// Sorting moves small keys, never the sessions.
struct EventQueue {
    private var sessions: [(session: PlanSession, householdID: String)] = []
    private var keys: [Key] = []

    var isEmpty: Bool { keys.isEmpty }

    /// Queues the session's `plan_generated` event and, if it was accepted, its `plan_accepted`.
    mutating func add(_ session: PlanSession, household: Int) {
        sessions.append((session, Household.id(household)))
        let index = sessions.count - 1
        keys.append(Key(seconds: session.generatedAt.seconds, household: household, accepted: false, session: index))
        if let acceptance = session.acceptance {
            keys.append(Key(seconds: acceptance.acceptedAt.seconds, household: household, accepted: true, session: index))
        }
    }

    /// Hands `body` each queued event before `end` (seconds since 1970; every event when nil)
    /// in order, and forgets them: a session, its household's id, and the acceptance for a
    /// `plan_accepted` event (nil for `plan_generated`).
    mutating func drain(
        before end: Int64?, _ body: (PlanSession, String, Acceptance?) throws -> Void
    ) rethrows {
        keys.sort()
        let ready = end.map { end in keys.prefix { $0.seconds < end }.count } ?? keys.count
        for key in keys[..<ready] {
            let (session, householdID) = sessions[key.session]
            try body(session, householdID, key.accepted ? session.acceptance : nil)
        }
        // What is left (acceptances after `end`) keeps only its own sessions.
        var kept: [(session: PlanSession, householdID: String)] = []
        keys = keys[ready...].map { key in
            kept.append(sessions[key.session])
            return Key(seconds: key.seconds, household: key.household, accepted: key.accepted, session: kept.count - 1)
        }
        sessions = kept
    }

    private struct Key: Comparable {
        var seconds: Int64
        var household: Int
        var accepted: Bool
        var session: Int

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.seconds, lhs.household, lhs.accepted ? 1 : 0) < (rhs.seconds, rhs.household, rhs.accepted ? 1 : 0)
        }
    }
}
