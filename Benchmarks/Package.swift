// swift-tools-version: 6.1
// Micro-benchmarks (ordo-one/benchmark) and the engine's load driver for scripts/bench, kept out of
// the main package so that CI and everyday builds do not compile them:
//     cd Benchmarks && swift package benchmark            # every suite in Benchmarks/<Name>/
//     swift build -c release --product probe-load         # used by scripts/bench/probe-vs-peers
//     swift build -c release --product cascade-lab        # used by scripts/bench/cascade-lab
import PackageDescription

// A path dependency is named by its folder, which is whatever the clone was called.
let mainPackage = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "main"

let benchmarkSuites: [(name: String, products: [String])] = [
    ("SLOBench", ["Probes"]),
    ("CascadeBench", ["Probes"]),
    ("MonitorBench", ["Probes"]),
    ("DashboardBench", ["Probes", "Dashboard"]),
]

let package = Package(
    name: "IncidentBoardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Only the malloc trait: the default "RuntimeInterposer" trait pulls in
        // swift-runtime-interposer on Linux with Swift 6.3, which the package mirror lacks.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: benchmarkSuites.map { suite in
        .executableTarget(
            name: suite.name,
            dependencies: [.product(name: "Benchmark", package: "benchmark")]
                + suite.products.map { .product(name: $0, package: mainPackage) },
            path: "Benchmarks/\(suite.name)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    } + [
        .executableTarget(
            name: "cascade-lab",
            dependencies: [.product(name: "CascadeLab", package: mainPackage)],
            path: "Sources/CascadeLabCommand"
        ),
        .executableTarget(
            name: "probe-load",
            dependencies: [.product(name: "Probes", package: mainPackage)],
            path: "Sources/ProbeLoad"
        ),
    ],
    swiftLanguageModes: [.v6]
)
