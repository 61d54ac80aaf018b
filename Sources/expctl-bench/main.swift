// expctl-bench: programs that print figures. See docs/benchmarks.md.
//
//   swift run -c release expctl-bench validate [--files N] [--changes N] [--repetitions N] [--layout nested|flat|both]
//   swift run -c release expctl-bench apply [--experiments N] [--variants N] [--database-url URL]
//   swift run -c release expctl-bench jobs [--events N] [--rounds N] [--database-url URL]
//   swift run -c release expctl-bench mlflow --database-url URL --mlflow-url URL [--versions N] [--requests N] [--rounds N] [--parallelism N]
//   swift run -c release expctl-bench gates [--experiments N] [--seed N] [--units N] [--sql-units N]
//       [--database-url URL]
//   swift run -c release expctl-bench gates-aa [--experiments K] [--seed N]
//   swift run -c release expctl-bench gates-pass [--experiments N] [--units N] [--sql-units N]
//       [--database-url URL]
//   swift run -c release expctl-bench scale [--events N] [--experiments N] [--units N] [--days N]
//       [--new-events N] [--rounds N] [--database-url URL] [--keep]   (exp.events at 100M rows; needs psql)
//   swift build -c release && swift run -c release expctl-bench serve [--database-url URL] [--connections N]
//       [--seconds N] [--batch N]   (needs wrk and pgbench)
//
// `gates` is `gates-aa` (the online gate's error rates under repeated looks) then `gates-pass`
// (one gate evaluation pass over N running experiments in memory, then the SQL that reads
// their evidence, given a database; `--sql-units 0` skips it).
import BenchmarkSupport
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "serve" {
    arguments.removeFirst()
    var benchmark = ServeBenchmark()
    while arguments.count >= 2 {
        let value = arguments[1]
        switch arguments[0] {
        case "--database-url": benchmark.databaseURL = value
        case "--connections": benchmark.connections = Int(value) ?? 0
        case "--seconds": benchmark.seconds = Int(value) ?? 0
        case "--batch": benchmark.batch = Int(value) ?? 0
        default: arguments = ["?"]
        }
        arguments.removeFirst(min(2, arguments.count))
    }
    guard arguments.isEmpty, benchmark.connections > 0, benchmark.seconds > 0, benchmark.batch > 0 else {
        print("usage: expctl-bench serve [--database-url URL] [--connections N] [--seconds N] [--batch N]")
        exit(2)
    }
    do {
        try benchmark.run()
    } catch {
        print("expctl-bench: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.first == "gates-aa" { exit(GateStatisticsBenchmark.main(Array(arguments.dropFirst()))) }
if arguments.first == "gates-pass" { exit(GatePassBenchmark.main(Array(arguments.dropFirst()))) }
if arguments.first == "gates" { exit(GatePassBenchmark.gatesMain(Array(arguments.dropFirst()))) }
if arguments.first == "mlflow" {
    arguments.removeFirst()
    var options = ["--versions": "1000", "--requests": "500", "--rounds": "3", "--parallelism": "4"]
    var databaseURL: String?
    var mlflowURL: String?
    while arguments.count >= 2 {
        if arguments[0] == "--database-url" {
            databaseURL = arguments[1]
        } else if arguments[0] == "--mlflow-url" {
            mlflowURL = arguments[1]
        } else if options[arguments[0]] != nil {
            options[arguments[0]] = arguments[1]
        } else {
            break
        }
        arguments.removeFirst(2)
    }
    guard arguments.isEmpty, let versions = Int(options["--versions"]!), let requests = Int(options["--requests"]!),
        let rounds = Int(options["--rounds"]!), let parallelism = Int(options["--parallelism"]!), versions >= 3, requests > 0, rounds > 0,
        parallelism > 0
    else {
        print("usage: expctl-bench mlflow [--database-url URL] [--mlflow-url URL] [--versions N>=3] [--requests N] [--rounds N] [--parallelism N]")
        exit(2)
    }
    do {
        try RegistryBenchmark(
            versions: versions, requests: requests, rounds: rounds, parallelism: parallelism, databaseURL: databaseURL, mlflowURL: mlflowURL
        ).run()
    } catch {
        print("expctl-bench: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.first == "scale" {
    arguments.removeFirst()
    var benchmark = ScaleBenchmark()
    while let option = arguments.first {
        if option == "--keep" {
            benchmark.keep = true
            arguments.removeFirst()
            continue
        }
        guard arguments.count >= 2 else { break }
        let value = arguments[1]
        switch option {
        case "--events": benchmark.events = Int(value) ?? 0
        case "--experiments": benchmark.experiments = Int(value) ?? 0
        case "--units": benchmark.unitsPerExperiment = Int(value) ?? 0
        case "--days": benchmark.days = Int(value) ?? 0
        case "--new-events": benchmark.newEvents = Int(value) ?? 0
        case "--rounds": benchmark.rounds = Int(value) ?? 0
        case "--database-url": benchmark.databaseURL = value
        default: arguments = ["?", "?"]
        }
        arguments.removeFirst(2)
    }
    guard arguments.isEmpty, benchmark.events > 0, benchmark.experiments > 0, benchmark.unitsPerExperiment > 0,
        benchmark.days >= 3, benchmark.newEvents > 0, benchmark.rounds > 0
    else {
        print(
            "usage: expctl-bench scale [--events N] [--experiments N] [--units N-per-experiment] [--days N]"
                + " [--new-events N] [--rounds N] [--database-url URL] [--keep]")
        exit(2)
    }
    do {
        try benchmark.run()
    } catch {
        print("expctl-bench: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.first == "simulate-traffic" {
    arguments.removeFirst()
    var units = 210_000
    var databaseURL: String?
    while arguments.count >= 2, ["--units", "--database-url"].contains(arguments[0]) {
        if arguments[0] == "--units" { units = Int(arguments[1]) ?? 0 } else { databaseURL = arguments[1] }
        arguments.removeFirst(2)
    }
    guard arguments.isEmpty, units > 0 else {
        print("usage: expctl-bench simulate-traffic [--units N] [--database-url URL]")
        exit(2)
    }
    do {
        try TrafficBenchmark(units: units, databaseURL: databaseURL).run()
    } catch {
        print("expctl-bench: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.first == "jobs" {
    arguments.removeFirst()
    var options = ["--events": "1000000", "--rounds": "2"]
    var databaseURL: String?
    while arguments.count >= 2 {
        if arguments[0] == "--database-url" { databaseURL = arguments[1] } else if options[arguments[0]] != nil { options[arguments[0]] = arguments[1] } else { break }
        arguments.removeFirst(2)
    }
    guard arguments.isEmpty, let events = Int(options["--events"]!), let rounds = Int(options["--rounds"]!), events > 0, rounds > 0
    else {
        print("usage: expctl-bench jobs [--events N] [--rounds N] [--database-url URL]")
        exit(2)
    }
    do {
        try JobsBenchmark(events: events, databaseURL: databaseURL, rounds: rounds).run()
    } catch {
        print("expctl-bench: \(error)")
        exit(1)
    }
    exit(0)
}
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
    print("       expctl-bench simulate-traffic [--units N] [--database-url URL]")
    print("       expctl-bench mlflow [--database-url URL] [--mlflow-url URL] [--versions N] [--requests N] [--rounds N] [--parallelism N]")
    print("       \(GateStatisticsBenchmark.usage.dropFirst("usage: ".count))")
    print("       \(GatePassBenchmark.usage.dropFirst("usage: ".count))")
    print("       \(GatePassBenchmark.gatesUsage.dropFirst("usage: ".count))")
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
