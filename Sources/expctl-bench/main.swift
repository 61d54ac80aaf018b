// expctl-bench: programs that print figures. See docs/benchmarks.md.
//
//   swift run -c release expctl-bench validate [--files N] [--changes N] [--repetitions N] [--layout nested|flat|both]
import BenchmarkSupport
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "validate" else {
    print("usage: expctl-bench validate [--files N] [--changes N] [--repetitions N] [--layout nested|flat|both]")
    exit(2)
}
arguments.removeFirst()
var options = ["--files": "10000", "--changes": "20", "--repetitions": "5", "--layout": "both"]
while arguments.count >= 2, options[arguments[0]] != nil {
    options[arguments[0]] = arguments[1]
    arguments.removeFirst(2)
}
guard arguments.isEmpty, let files = Int(options["--files"]!), let changes = Int(options["--changes"]!),
    let repetitions = Int(options["--repetitions"]!), files > 0, changes > 0, repetitions > 0
else {
    print("expctl-bench: invalid arguments")
    exit(2)
}
let layouts: [RepositoryGenerator.Layout] =
    options["--layout"] == "both" ? [.nested, .flat] : [RepositoryGenerator.Layout(rawValue: options["--layout"]!) ?? .nested]
do {
    for layout in layouts {
        try ValidateBenchmark(
            generator: RepositoryGenerator(fileCount: files, changeCount: changes, layout: layout),
            repetitions: repetitions
        ).run()
    }
} catch {
    print("expctl-bench: \(error)")
    exit(1)
}
