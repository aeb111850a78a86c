// swift-tools-version: 6.1
import PackageDescription

/// The targets follow the data path: Text → Align → Memory → Match → Pretranslate → CLI.
/// Lower layers never import higher ones; `tarjama` only parses, calls and prints.
let package = Package(
    name: "Tarjama",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tarjama", targets: ["tarjama"]),
        .library(name: "TarjamaText", targets: ["TarjamaText"]),
        .library(name: "TarjamaAlign", targets: ["TarjamaAlign"]),
        .library(name: "TarjamaMemory", targets: ["TarjamaMemory"]),
        .library(name: "TarjamaMatch", targets: ["TarjamaMatch"]),
        .library(name: "TarjamaPretranslate", targets: ["TarjamaPretranslate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
        .target(name: "TarjamaMemory", dependencies: [
            "TarjamaText", "TarjamaAlign", "CMemoryHints", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .target(name: "TarjamaMatch", dependencies: ["TarjamaText", "TarjamaMemory"]),
        .target(name: "TarjamaPretranslate", dependencies: ["TarjamaText", "TarjamaMemory", "TarjamaMatch"]),
        .executableTarget(name: "tarjama", dependencies: [
            "TarjamaText", "TarjamaAlign", "TarjamaMemory", "TarjamaMatch", "TarjamaPretranslate",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TarjamaTextTests", dependencies: ["TarjamaText"]),
        .testTarget(name: "TarjamaAlignTests", dependencies: ["TarjamaAlign"]),
        .testTarget(name: "TarjamaMemoryTests", dependencies: ["TarjamaMemory", "TarjamaAlign", "TarjamaText", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TarjamaMatchTests", dependencies: ["TarjamaMatch"]),
        .testTarget(name: "TarjamaPretranslateTests", dependencies: ["TarjamaPretranslate", "TarjamaMatch", "TarjamaMemory"]),
    ],
    swiftLanguageModes: [.v6]
)
