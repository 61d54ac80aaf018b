// expctl-bench: programs that print figures. See docs/benchmarks.md.
//
//   swift run -c release expctl-bench validate [--files N] [--changes N] [--repetitions N] [--layout nested|flat|both]
//   swift run -c release expctl-bench apply [--experiments N] [--variants N] [--database-url URL]
import BenchmarkSupport
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "apply" {
    arguments.removeFirst()
    var options = ["--experiments": "10000", "--variants": "4"]
    var databaseURL: String?
    while arguments.count >= 2 {
        if arguments[0] == "--database-url" { databaseURL = arguments[1] } else if options[arguments[0]] != nil { options[arguments[0]] = arguments[1] } else { break }
        arguments.removeFirst(2)
    }
    guard arguments.isEmpty, let experiments = Int(options["--experiments"]!), let variants = Int(options["--variants"]!),
        experiments > 0, variants > 0, variants <= 100
    else {
        print("usage: expctl-bench apply [--experiments N] [--variants N] [--database-url URL]")
        exit(2)
    }
    do {
        try ApplyBenchmark(experiments: experiments, variantsPerExperiment: variants, databaseURL: databaseURL).run()
    } catch {
        print("expctl-bench: \(error)")
        exit(1)
    }
    exit(0)
}
guard arguments.first == "validate" else {
    print("usage: expctl-bench validate [--files N] [--changes N] [--repetitions N] [--layout nested|flat|both]")
    print("       expctl-bench apply [--experiments N] [--variants N] [--database-url URL]")
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
