// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Palaver",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "palaver", targets: ["palaver"]),
        .library(name: "PalaverEngine", targets: ["PalaverEngine"]),
        .library(name: "PalaverTUI", targets: ["PalaverTUI"]),
    ],
    traits: [
        // Distributed runs over RabbitMQ need the system's rabbitmq-c (Debian: librabbitmq-dev); off by default
        // so a fresh machine builds without it. Build with `--traits Broker`.
        .trait(name: "Broker", description: "RabbitMQ support (palaver worker, run --broker, attach, pull) via librabbitmq"),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "PalaverEngine",
            dependencies: [
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "PalaverModels",
            dependencies: [
                "PalaverEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .systemLibrary(name: "CNCursesW"),
        .target(
            name: "PalaverTUI",
            dependencies: [
                "PalaverEngine",
                "CNCursesW",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .systemLibrary(name: "CRabbitMQ", pkgConfig: "librabbitmq", providers: [.apt(["librabbitmq-dev"])]),
        .target(
            name: "PalaverBroker",
            dependencies: [
                "PalaverEngine",
                .target(name: "CRabbitMQ", condition: .when(traits: ["Broker"])),
            ]
        ),
        .executableTarget(
            name: "palaver",
            dependencies: [
                "PalaverEngine",
                "PalaverModels",
                "PalaverTUI",
                "PalaverBroker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "PalaverEngineTests", dependencies: ["PalaverEngine"]),
        .testTarget(name: "PalaverModelsTests", dependencies: [
            "PalaverModels", "PalaverEngine",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .testTarget(name: "PalaverTUITests", dependencies: ["PalaverTUI", "PalaverEngine"]),
        .testTarget(name: "PalaverCLITests", dependencies: ["PalaverEngine", "PalaverModels", "palaver"]),
        .testTarget(name: "PalaverBrokerTests", dependencies: ["PalaverBroker", "PalaverEngine", "PalaverModels", "PalaverTUI", "palaver"]),
    ],
    swiftLanguageModes: [.v6]
)
