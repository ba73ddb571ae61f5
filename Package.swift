// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "tilskot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tilskot", targets: ["tilskot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The zip container of the xlsx workbooks that `--format xlsx` writes (TilskotReports only).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // `tilskot serve` (TilskotServer, issue 19): the HTTP server, its OpenAPI document and the
        // server generated from it, bearer tokens, graceful shutdown, metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        // SHA-256 of a case's JSON for its ETag (TilskotServer); the version jwt-kit already uses.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libpq, found through pkg-config (Debian: libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // The thin Swift face of libpq. Knows nothing of grants.
        .target(name: "PGClient", dependencies: ["CLibPQ"]),
        // Pure domain rules: no I/O.
        .target(name: "TilskotCore"),
        // Turns SQL/migrations/*.sql and SQL/sample/*.sql into Swift source at build time,
        // so an installed binary migrates without the source tree.
        .executableTarget(name: "EmbedSQLTool"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["EmbedSQLTool"]),
        // Embeds what the server sends (openapi.yaml, Web/templates, Web/static) the same way.
        .executableTarget(name: "EmbedFilesTool"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["EmbedFilesTool"]),
        .target(
            name: "TilskotStore",
            dependencies: [
                "PGClient", "TilskotCore",
                .product(name: "CSV", package: "CSV.swift"),
            ],
            plugins: ["EmbedSQL"]
        ),
        // The embedded local PostgreSQL cluster (`tilskot db`) and the child-process runner it uses.
        .target(name: "TilskotLocalCluster", dependencies: ["TilskotStore"]),
        // Synthetic data at scale and the decision race (`tilskot dev`): tooling, not the domain.
        .target(name: "TilskotDevData", dependencies: ["TilskotStore", "TilskotCore", "PGClient"]),
        // The 2021 sample (`tilskot sample load`).
        .target(name: "TilskotSample", dependencies: ["TilskotStore", "TilskotCore", "PGClient"]),
        .target(
            name: "TilskotReports",
            dependencies: ["TilskotStore", "TilskotCore", "PGClient", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // `tilskot serve` (issue 19): the HTTP API over the same services as the CLI. Built from
        // openapi.yaml by the OpenAPI generator; `buildApplication` lets tests run it without a process.
        .target(
            name: "TilskotServer",
            dependencies: [
                "TilskotStore", "TilskotCore", "PGClient", "TilskotReports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator"), "EmbedFiles"]
        ),
        .executableTarget(
            name: "tilskot",
            dependencies: [
                "TilskotStore", "TilskotReports", "TilskotCore", "PGClient",
                "TilskotLocalCluster", "TilskotDevData", "TilskotSample", "TilskotServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TilskotTestSupport", dependencies: ["TilskotStore", "TilskotLocalCluster", "PGClient"]),
        .testTarget(
            name: "TilskotCoreTests",
            dependencies: ["TilskotCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "PGClientTests", dependencies: ["PGClient", "TilskotTestSupport"]),
        .testTarget(
            name: "TilskotStoreTests",
            dependencies: [
                "TilskotStore", "TilskotCore", "PGClient", "TilskotTestSupport",
                "TilskotLocalCluster", "TilskotDevData", "TilskotSample",
            ]
        ),
        .testTarget(
            name: "TilskotReportsTests",
            dependencies: [
                "TilskotReports", "TilskotStore", "TilskotCore", "PGClient", "TilskotTestSupport",
                "TilskotLocalCluster", "TilskotDevData", "TilskotSample",
            ]
        ),
        .testTarget(
            name: "TilskotServerTests",
            dependencies: [
                "TilskotServer", "TilskotTestSupport", "PGClient", "TilskotCore", "TilskotStore", "TilskotLocalCluster",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        .testTarget(
            name: "TilskotCLITests",
            dependencies: ["TilskotTestSupport", "PGClient", "TilskotStore", "TilskotLocalCluster"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
