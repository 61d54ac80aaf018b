// swift-tools-version:6.0
// Compares expctl's YAML reader with Yams (libyaml) on the documents of the validate
// benchmark. A package of its own so that expctl itself does not depend on Yams.
//
//   swift run -c release --package-path Benchmarks/yaml-alternatives yaml-alternatives [--files N]
import PackageDescription

let package = Package(
    name: "yaml-alternatives",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "expctl", path: "../.."),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .executableTarget(
            name: "yaml-alternatives",
            dependencies: [
                .product(name: "ExpctlYAML", package: "expctl"),
                .product(name: "ExpctlDesiredState", package: "expctl"),
                .product(name: "BenchmarkSupport", package: "expctl"),
                .product(name: "Yams", package: "Yams"),
            ])
    ]
)
