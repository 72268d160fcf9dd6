// swift-tools-version:6.0
// Kandas Sync: offline-first field-evidence sync. No package dependencies by design:
// only the toolchain and Debian C libraries through system-library targets.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "KandasSync",
    // Apple minimums are what Synchronization's Mutex needs; Linux (and Android) need no entry.
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .executable(name: "kandas-server", targets: ["kandas-server"]),
        .executable(name: "kandas", targets: ["kandas"]),
        .executable(name: "kandas-bench", targets: ["kandas-bench"]),
        // What a phone app links (README "Embedding the client core"): the core and a transport.
        .library(name: "KandasClient", targets: ["KandasClient", "KandasProtocol", "KandasDomain"]),
        .library(name: "URLSessionTransport", targets: ["URLSessionTransport"]),
    ],
    targets: [
        // C edges: each imported by exactly one Swift module.
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // zlib: gzip on the wire (issue 15); imported by ZlibKit only.
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Pure Swift foundations.
        .target(name: "KandasDomain", swiftSettings: strict),
        .target(name: "KandasProtocol", swiftSettings: strict),
        .target(name: "Log", swiftSettings: strict),
        // The one importer of CLinux: system-call wrapper, durable file writes, blocking work off the
        // cooperative pool, the HTTP date; epoll, O_DIRECT and malloc tuning on Linux only.
        .target(
            name: "SystemKit", dependencies: [.target(name: "CLinux", condition: .when(platforms: [.linux]))],
            swiftSettings: strict),
        .target(name: "Lifecycle", dependencies: ["Log"], swiftSettings: strict),
        // Typed access to result rows, written once for SQLite, PostgreSQL and the store's engine rows.
        .target(name: "RowKit", swiftSettings: strict),
        .target(name: "SQLiteKit", dependencies: ["CSQLite", "SystemKit", "RowKit"], swiftSettings: strict),
        .target(name: "ZlibKit", dependencies: ["CZlib"], swiftSettings: strict),
        .target(name: "PostgresKit", dependencies: ["CPostgres", "SystemKit", "RowKit"], swiftSettings: strict),
        // libcrypto everywhere but Apple platforms, which hash with CryptoKit (`#if canImport(CryptoKit)` in
        // Crypto): the condition keeps SwiftPM from even looking for libcrypto's pkg-config there.
        .target(
            name: "Crypto",
            dependencies: [
                .target(name: "CCrypto", condition: .when(platforms: [.linux, .android, .openbsd, .windows, .wasi]))
            ],
            swiftSettings: strict),
        .target(name: "QRCode", swiftSettings: strict),
        // The one importer of CCurl: the client transport and the server's S3 client share it.
        .target(name: "CurlKit", dependencies: ["CCurl"], swiftSettings: strict),
        .target(name: "ObjectStore", dependencies: ["CurlKit", "Crypto"], swiftSettings: strict),

        // Server side. KandasStore: the store layer (engine interface, SQLite engine, dialects).
        .target(
            name: "KandasStore",
            dependencies: [
                "SQLiteKit", "PostgresKit", "RowKit", "KandasProtocol", "KandasDomain", "Crypto", "SystemKit",
            ],
            swiftSettings: strict),
        .target(name: "HTTPServer", dependencies: ["SystemKit", "Log", "Lifecycle", "ZlibKit"], swiftSettings: strict),
        .target(
            name: "KandasUploads",
            dependencies: ["HTTPServer", "SystemKit", "KandasStore", "Crypto", "KandasProtocol", "Log", "ObjectStore"],
            swiftSettings: strict),
        .target(
            name: "KandasServer",
            dependencies: [
                "HTTPServer", "SystemKit", "SQLiteKit", "KandasProtocol", "KandasDomain", "Crypto", "Log", "Lifecycle",
                "QRCode", "KandasUploads", "KandasStore", "ObjectStore", "PostgresKit", "CurlKit",
            ],
            swiftSettings: strict),
        .executableTarget(name: "kandas-server", dependencies: ["KandasServer"], swiftSettings: strict),

        // Client side.
        .target(
            name: "KandasClient",
            dependencies: ["SQLiteKit", "SystemKit", "KandasProtocol", "KandasDomain", "Crypto", "Log", "ZlibKit"],
            swiftSettings: strict),
        .target(name: "CurlTransport", dependencies: ["KandasClient", "CurlKit"], swiftSettings: strict),
        // Foundation's URLSession (FoundationNetworking on Linux): the transport of iOS and Android apps.
        .target(name: "URLSessionTransport", dependencies: ["KandasClient"], swiftSettings: strict),
        // The README's embedding guide as a program, run against a test server by EmbedExampleTests.
        .executableTarget(
            name: "kandas-embed-example", dependencies: ["KandasClient", "URLSessionTransport", "KandasProtocol"],
            swiftSettings: strict),
        .target(
            name: "KandasCLI",
            dependencies: [
                "KandasClient", "CurlTransport", "SystemKit", "KandasProtocol", "KandasDomain", "Log", "Crypto",
            ],
            swiftSettings: strict),
        .executableTarget(name: "kandas", dependencies: ["KandasCLI"], swiftSettings: strict),

        // Benchmarks (`make bench`).
        .executableTarget(
            name: "kandas-bench",
            dependencies: [
                "Crypto", "SQLiteKit", "HTTPServer", "KandasServer", "KandasClient", "KandasProtocol", "KandasUploads",
                "KandasStore",
                "Log", "CurlTransport", "ObjectStore", "KandasTestSupport", "ZlibKit",
                "PostgresKit",
            ],
            swiftSettings: strict),

        // Tests.
        .testTarget(
            name: "KandasDomainTests", dependencies: ["KandasDomain"], resources: [.copy("Fixtures")],
            swiftSettings: strict),
        .testTarget(
            name: "KandasProtocolTests", dependencies: ["KandasProtocol"],
            resources: [], swiftSettings: strict),
        .testTarget(name: "SQLiteKitTests", dependencies: ["SQLiteKit"], swiftSettings: strict),
        .testTarget(
            name: "KandasStoreTests", dependencies: ["KandasStore", "SQLiteKit", "PostgresKit", "KandasTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "PostgresKitTests", dependencies: ["PostgresKit", "KandasTestSupport"], swiftSettings: strict),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: strict),
        .testTarget(name: "SystemKitTests", dependencies: ["SystemKit"], swiftSettings: strict),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode", "KandasTestSupport"], swiftSettings: strict),
        .testTarget(name: "SupportTests", dependencies: ["Log", "Lifecycle"], swiftSettings: strict),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer", "Log", "Lifecycle", "KandasTestSupport", "ZlibKit"],
            swiftSettings: strict),
        .target(
            name: "KandasTestSupport", dependencies: ["SQLiteKit", "Crypto", "ObjectStore", "PostgresKit"],
            path: "Tests/KandasTestSupport",
            swiftSettings: strict),
        .testTarget(
            name: "KandasTestSupportTests", dependencies: ["KandasTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KandasServerTests",
            dependencies: [
                "KandasServer", "KandasTestSupport", "KandasProtocol", "KandasDomain", "SQLiteKit", "KandasStore",
                "PostgresKit",
            ],
            exclude: ["card_receiver.py"],
            swiftSettings: strict),
        .testTarget(
            name: "KandasClientTests", dependencies: ["KandasClient", "KandasProtocol", "KandasDomain", "Crypto"],
            swiftSettings: strict),
        .testTarget(
            name: "KandasCLITests",
            dependencies: ["KandasCLI", "KandasClient", "KandasProtocol", "KandasDomain", "KandasTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "CurlTransportTests", dependencies: ["CurlTransport", "KandasClient", "KandasTestSupport"],
            exclude: ["echo_server.py"],
            swiftSettings: strict),
        .testTarget(
            name: "TransportLiveTests",
            dependencies: [
                "KandasClient", "CurlTransport", "URLSessionTransport", "KandasProtocol", "KandasTestSupport",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KandasUploadsTests",
            dependencies: ["KandasUploads", "HTTPServer", "KandasTestSupport", "KandasStore"],
            exclude: ["tus_resume.py"],
            swiftSettings: strict),
        .testTarget(
            name: "ObjectStoreTests", dependencies: ["ObjectStore", "KandasTestSupport", "Crypto"],
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests", dependencies: ["KandasTestSupport", "KandasDomain"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
