// swift-tools-version: 6.1
// Micro-benchmarks, kept out of the main package so CI does not build them:
//     cd Benchmarks && swift run -c release incidentboard-bench
// (ordo-one/benchmark 1.38 needs swift-runtime-interposer on Swift 6.3/Linux, which this
// machine's package mirror does not have, so these are a plain executable.)
import PackageDescription

let package = Package(
    name: "IncidentBoardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "incidentboard-bench",
            dependencies: [
                .product(name: "Probes", package: "main"),
                .product(name: "Dashboard", package: "main"),

            ],
            path: "Sources/IncidentBoardBenchmarks"
        ),
    ],
    swiftLanguageModes: [.v6]
)
