// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "IncidentBoard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "incidentboard", targets: ["IncidentBoard"]),
        .library(name: "Probes", targets: ["Probes"]),
        .library(name: "ProbesPrometheus", targets: ["ProbesPrometheus"]),
        .library(name: "Dashboard", targets: ["Dashboard"]),
        .library(name: "CascadeLab", targets: ["CascadeLab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The engine and its plain outputs: config, checkers, scheduler, SLO maths, cascade
        // analysis, alerts, history, the engine runner, check reports and alert lines.
        .target(
            name: "Probes",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // Prometheus on both sides: /metrics exposition and its server, rules and Alertmanager
        // config generation, and the Prometheus source of the fleet view.
        .target(
            name: "ProbesPrometheus",
            dependencies: [
                "Probes",
                "ServerGate",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The guarded accept loop of our small HTTP servers (/metrics and the demo estate).
        .target(
            name: "ServerGate",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Root-cause accuracy measured on simulated incidents (scripts/bench/cascade-lab).
        .target(
            name: "CascadeLab",
            dependencies: ["Probes"]
        ),
        // `incidentboard import gatus`: a Gatus config.yaml read with Yams, written as probes.json.
        .target(
            name: "GatusImport",
            dependencies: ["Probes", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "CNcursesw",
            cSettings: [.define("NCURSES_WIDECHAR", to: "1"), .define("_XOPEN_SOURCE_EXTENDED", to: "1")],
            linkerSettings: [.linkedLibrary("ncursesw"), .linkedLibrary("tinfo")]
        ),
        .target(
            name: "Dashboard",
            dependencies: ["Probes", "CNcursesw"]
        ),
        .target(
            name: "DemoEstate",
            dependencies: [
                "Probes",
                "ServerGate",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "ProbesTesting",
            dependencies: [
                "Probes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "IncidentBoard",
            dependencies: [
                "Probes",
                "ProbesPrometheus",
                "Dashboard",
                "DemoEstate",
                "GatusImport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "ProbesTests",
            dependencies: ["Probes", "ProbesTesting", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "ProbesPrometheusTests",
            dependencies: ["ProbesPrometheus", "Probes", "ProbesTesting", "ServerGate"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["IncidentBoard", "ProbesTesting", "Probes", "ProbesPrometheus", "DemoEstate"]
        ),
        .testTarget(
            name: "GatusImportTests",
            dependencies: ["GatusImport", "Probes"]
        ),
        .testTarget(
            name: "CascadeLabTests",
            dependencies: ["CascadeLab", "Probes"]
        ),
        .testTarget(
            name: "DemoEstateTests",
            dependencies: ["DemoEstate", "Probes", "ProbesTesting", "ServerGate"]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "Probes"],
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
