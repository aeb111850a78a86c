// swift-tools-version: 6.1
import PackageDescription

/// The targets follow the data path: Text → Align → Memory → Match → Pretranslate → CLI.
/// Lower layers never import higher ones; `tarjama` only parses, calls and prints.
let package = Package(
    name: "Tarjama",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tarjama", targets: ["tarjama"]),
        .executable(name: "tarjama-dev", targets: ["tarjama-dev"]),
        .library(name: "TarjamaText", targets: ["TarjamaText"]),
        .library(name: "TarjamaAlign", targets: ["TarjamaAlign"]),
        .library(name: "TarjamaMemory", targets: ["TarjamaMemory"]),
        .library(name: "TarjamaSQLite", targets: ["TarjamaSQLite"]),
        .library(name: "TarjamaPostgres", targets: ["TarjamaPostgres"]),
        .library(name: "TarjamaMatch", targets: ["TarjamaMatch"]),
        .library(name: "TarjamaPretranslate", targets: ["TarjamaPretranslate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // ICU is reached only through CICUShim's plain-C header: ICU's own headers clash with
        // Foundation's when imported into Swift, and its versioned macros are not importable.
        .systemLibrary(name: "CICU", path: "Sources/CICU", pkgConfig: "icu-uc icu-i18n",
                       providers: [.apt(["libicu-dev"])]),
        .target(name: "CICUShim", dependencies: ["CICU"]),
        .target(name: "TarjamaText", dependencies: ["CICUShim"]),
        // Prefetch hints for the import's hash lookups (not expressible in Swift).
        .target(name: "CMemoryHints"),
        .target(name: "TarjamaAlign", dependencies: ["TarjamaText"]),
        // The store-neutral memory: units, preparation, posting codec, exchange formats, and the
        // protocols a store implements (`MatchSource`, `MemoryStore`).
        .target(name: "TarjamaMemory", dependencies: ["TarjamaText", "TarjamaAlign", "CMemoryHints"]),
        // The SQLite store: one file per memory, GRDB behind `MemoryStore`.
        .target(name: "TarjamaSQLite", dependencies: [
            "TarjamaMemory", "TarjamaText", "TarjamaAlign", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .target(name: "TarjamaMatch", dependencies: ["TarjamaText", "TarjamaMemory"]),
        .target(name: "TarjamaPretranslate", dependencies: ["TarjamaText", "TarjamaMemory", "TarjamaMatch"]),
        // The PostgreSQL store: the same term index in a database server, for many writers.
        .target(name: "TarjamaPostgres", dependencies: [
            "TarjamaMemory", "TarjamaText", "TarjamaAlign", .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `tarjama serve`: the memory over HTTP in the protocols CAT tools speak.
        .target(name: "TarjamaServer", dependencies: [
            "TarjamaMemory", "TarjamaMatch", "TarjamaAlign", "TarjamaPretranslate", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Gold-set evaluation and the exhaustive reference scan: developers' measurements,
        // not part of what a translator runs.
        .target(name: "TarjamaEvaluation", dependencies: [
            "TarjamaText", "TarjamaAlign", "TarjamaMemory", "TarjamaMatch", "TarjamaPretranslate",
        ]),
        // What both executables share: the --memory option, errors, progress, JSON lines.
        .target(name: "TarjamaCommandSupport", dependencies: [
            "TarjamaText", "TarjamaMemory", "TarjamaSQLite", "TarjamaPostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "tarjama", dependencies: [
            "TarjamaText", "TarjamaAlign", "TarjamaMemory", "TarjamaSQLite", "TarjamaMatch", "TarjamaPretranslate",
            "TarjamaServer", "TarjamaCommandSupport", "CMemoryHints", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "tarjama-dev", dependencies: [
            "TarjamaText", "TarjamaAlign", "TarjamaMemory", "TarjamaSQLite", "TarjamaMatch", "TarjamaPretranslate",
            "TarjamaEvaluation", "TarjamaCommandSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The readers of users' files under a fuzzer (scripts/fuzz.sh), or replaying saved inputs.
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "tarjama-fuzz", dependencies: ["TarjamaText", "TarjamaMemory", "CFuzzerDriver"]),
        .testTarget(name: "TarjamaTextTests", dependencies: ["TarjamaText"], exclude: ["Fixtures"]),
        .testTarget(name: "TarjamaAlignTests", dependencies: ["TarjamaAlign"]),
        // A store held in dictionaries, for running the matcher's and pre-translator's tests on
        // a second store beside SQLite.
        .target(name: "TarjamaTestStore", dependencies: ["TarjamaMemory", "TarjamaText", "TarjamaAlign", "TarjamaSQLite", "TarjamaPostgres"],
                path: "Tests/TarjamaTestStore"),
        .testTarget(name: "TarjamaSQLiteTests", dependencies: ["TarjamaMemory", "TarjamaSQLite", "TarjamaAlign", "TarjamaText", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TarjamaMatchTests", dependencies: ["TarjamaMatch", "TarjamaSQLite", "TarjamaTestStore"]),
        .testTarget(name: "TarjamaPretranslateTests", dependencies: ["TarjamaPretranslate", "TarjamaMatch", "TarjamaMemory", "TarjamaSQLite", "TarjamaTestStore"]),
        .testTarget(name: "TarjamaStoreTests", dependencies: ["TarjamaTestStore", "TarjamaMemory", "TarjamaMatch", "TarjamaAlign"]),
        .testTarget(name: "TarjamaServerTests", dependencies: [
            "TarjamaServer", "TarjamaTestStore", "TarjamaMemory", "TarjamaMatch", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TarjamaEvaluationTests", dependencies: ["TarjamaEvaluation", "TarjamaAlign", "TarjamaMatch", "TarjamaPretranslate", "TarjamaSQLite"]),
        .testTarget(name: "TarjamaCLITests", dependencies: ["tarjama", "tarjama-fuzz", "TarjamaPostgres"]),
    ],
    swiftLanguageModes: [.v6]
)
