// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "IncidentBoard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "incidentboard", targets: ["IncidentBoard"]),
        .library(name: "Probes", targets: ["Probes"]),
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
    ],
    targets: [
        .target(
            name: "Probes",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Root-cause accuracy measured on simulated incidents (scripts/bench/cascade-lab).
        .target(
            name: "CascadeLab",
            dependencies: ["Probes"]
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
                "Dashboard",
                "DemoEstate",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProbesTests",
            dependencies: ["Probes", "ProbesTesting"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["IncidentBoard", "ProbesTesting", "Probes"]
        ),
        .testTarget(
            name: "CascadeLabTests",
            dependencies: ["CascadeLab", "Probes"]
        ),
        .testTarget(
            name: "DemoEstateTests",
            dependencies: ["DemoEstate", "Probes", "ProbesTesting"]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "Probes"],
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
