public import Foundation

/// Builds a benchmark repository with `git fast-import`: one commit holding `fileCount`
/// experiment files plus the policies they use, then `changeCount` commits that each change
/// one experiment file.
public struct RepositoryGenerator {
    public enum Layout: String, Sendable {
        /// 100 experiments per team folder: `experiments/team-07/exp-00742.yaml`.
        case nested
        /// Every experiment in one folder: `experiments/exp-00742.yaml`.
        case flat
    }

    public var fileCount: Int
    public var changeCount: Int
    public var layout: Layout

    public init(fileCount: Int, changeCount: Int, layout: Layout) {
        self.fileCount = fileCount
        self.changeCount = changeCount
        self.layout = layout
    }

    public func experimentPath(_ index: Int) -> String {
        let file = "exp-\(String(format: "%05d", index)).yaml"
        switch layout {
        case .flat: return "experiments/\(file)"
        case .nested: return "experiments/team-\(String(format: "%03d", index / 100))/\(file)"
        }
    }

    /// A realistic experiment of ~20 lines: two variants on the two policy versions.
    public func experiment(_ index: Int, candidateShare: Int = 1_000) -> String {
        let control = 10_000 - candidateShare
        return """
            # Experiment \(index): planner variant against control.
            experiments:
              - name: exp-\(index)
                description: Planner experiment number \(index)
                unit_type: \(index % 2 == 0 ? "user" : "household")
                status: running
                starts_at: 2025-01-06T00:00:00Z
                baseline: control
                variants:
                  - name: control
                    allocation: \(Double(control) / 10_000)
                    policy_version: planner_policy@1
                    params: { exploration_rate: 0.15 }
                  - name: candidate
                    allocation: \(Double(candidateShare) / 10_000)
                    policy_version: planner_policy@2
                    params:
                      exploration_rate: 0.2
                      max_recipes: \(index % 7 + 3)

            """
    }

    public static let policies = """
        policies:
          - name: planner_policy
            versions:
              - version: 1
                mlflow_model_name: planner_model
                mlflow_model_version: 1
              - version: 2
                mlflow_model_name: planner_model
                mlflow_model_version: 2

        """

    /// Creates the repository at `directory` and returns the ids of its commits, oldest first.
    public func generate(at directory: URL) throws -> [String] {
        try Shell.run("git", ["init", "-q", "-b", "main", directory.path])
        var stream = Data()
        func append(_ text: String) { stream.append(contentsOf: Array(text.utf8)) }
        func data(_ text: String) {
            append("data \(text.utf8.count)\n")
            append(text)
            append("\n")
        }
        func commitHeader(_ mark: Int, _ message: String) {
            append("commit refs/heads/main\nmark :\(mark)\ncommitter bench <bench@expctl.invalid> \(1_700_000_000 + mark) +0000\n")
            data(message)
        }
        commitHeader(1, "\(fileCount) experiments")
        append("M 100644 inline policies.yaml\n")
        data(RepositoryGenerator.policies)
        for index in 0..<fileCount {
            append("M 100644 inline \(experimentPath(index))\n")
            data(experiment(index))
        }
        for change in 0..<changeCount {
            let index = (change * 7_919) % fileCount
            commitHeader(2 + change, "Raise exp-\(index)")
            append("M 100644 inline \(experimentPath(index))\n")
            data(experiment(index, candidateShare: 1_500 + change))
        }
        try Shell.run("git", ["-C", directory.path, "fast-import", "--quiet"], input: stream)
        let log = try Shell.run("git", ["-C", directory.path, "rev-list", "--reverse", "main"])
        return log.split(separator: "\n").map(String.init)
    }
}

/// Runs external commands for the benchmark.
public enum Shell {
    @discardableResult
    public static func run(_ program: String, _ arguments: [String], input: Data? = nil, discardOutput: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let output = Pipe()
        process.standardOutput = discardOutput ? FileHandle.nullDevice : output
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(input)
            try inputPipe.fileHandleForWriting.close()
        }
        let text = discardOutput ? "" : String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("\(program) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return text
    }
}

public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
