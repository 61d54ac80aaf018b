public import ExpctlModel

/// The moves an experiment's status may make: draft → running ⇄ paused → completed, and a
/// running experiment may also complete directly. Nothing leaves completed, and nothing
/// returns to draft: units already assigned would see their experiment start over.
public enum ExperimentLifecycle {
    public static func canMove(from current: ExperimentStatus, to next: ExperimentStatus) -> Bool {
        switch (current, next) {
        case (let a, let b) where a == b: true
        case (.draft, .running), (.running, .paused), (.paused, .running), (.running, .completed), (.paused, .completed):
            true
        default: false
        }
    }

    /// The statuses reachable from `current` in one move, for hints.
    public static func moves(from current: ExperimentStatus) -> [ExperimentStatus] {
        ExperimentStatus.allCases.filter { $0 != current && canMove(from: current, to: $0) }
    }
}
