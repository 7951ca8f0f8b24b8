// swift-tools-version:6.0
import PackageDescription

/// decant: plan and apply the move of subfolders of one shared bucket into
/// dedicated buckets. No package dependencies: Foundation, Dispatch and system
/// C libraries only (see README "Architecture").
let package = Package(
    name: "decant",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "decant", targets: ["decant"]),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
                       providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),

        // Libraries, lowest first. A lower module never imports a higher one.
        .target(name: "DecantCore", dependencies: ["CCrypto"]),
        .target(name: "DecantPlanFile", dependencies: ["DecantCore", "CYAML"]),
        .target(name: "DecantSQLite", dependencies: ["CSQLite"]),
        .target(name: "DecantStorage", dependencies: ["DecantCore", "DecantSQLite", "CCrypto", "CCurl"]),
        .target(name: "DecantCodeRefs", dependencies: ["DecantCore"]),
        .target(name: "DecantState", dependencies: ["DecantCore", "DecantStorage", "DecantSQLite"]),
        .target(name: "DecantRender", dependencies: ["DecantCore"]),
        .target(name: "DecantEngine", dependencies: [
            "DecantCore", "DecantPlanFile", "DecantStorage", "DecantCodeRefs", "DecantState",
        ]),
        .target(name: "DecantCLI", dependencies: [
            "DecantCore", "DecantPlanFile", "DecantStorage", "DecantCodeRefs", "DecantState",
            "DecantEngine", "DecantRender",
        ]),
        .executableTarget(name: "decant", dependencies: ["DecantCLI"]),

        // Fixtures for the benchmarks in bench/.
        .executableTarget(name: "decant-bench", dependencies: ["DecantEngine", "DecantPlanFile", "DecantState", "DecantStorage", "DecantCodeRefs", "DecantCore"],
                          path: "Sources/DecantBench"),

        // Real fakes and helpers shared by the tests.
        // Its `Fixtures` hold the platform code tree the code-refs and analysis tests share.
        .target(name: "TestSupport", dependencies: ["DecantCore", "DecantStorage", "CCrypto"], path: "Sources/TestSupport",
                resources: [.copy("Fixtures")]),
        // A child process for the local store's crash and multi-process tests.
        .executableTarget(name: "decant-store-torture", dependencies: ["DecantStorage", "DecantCore"],
                          path: "Sources/StoreTorture"),

        .testTarget(name: "DecantCoreTests", dependencies: ["DecantCore", "TestSupport"]),
        .testTarget(name: "DecantSQLiteTests", dependencies: ["DecantSQLite", "TestSupport"]),
        .testTarget(name: "DecantPlanFileTests", dependencies: ["DecantPlanFile", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DecantStorageTests", dependencies: ["DecantStorage", "TestSupport", "decant-store-torture"]),
        .testTarget(name: "DecantCodeRefsTests", dependencies: ["DecantCodeRefs", "TestSupport"]),
        .testTarget(name: "DecantStateTests", dependencies: ["DecantState", "TestSupport"]),
        .testTarget(name: "DecantEngineTests", dependencies: ["DecantEngine", "DecantRender", "TestSupport"]),
        .testTarget(name: "DecantRenderTests", dependencies: ["DecantRender", "TestSupport"], exclude: ["Golden"]),
        // `decant` itself, built for the tests that run it as a child process and kill it.
        .testTarget(name: "DecantCLITests", dependencies: ["DecantCLI", "DecantCore", "DecantStorage", "DecantState", "TestSupport", "decant"]),
        // The real `decant` executable run as a child process: crashes, locks, faults, saved plans, secrets.
        .testTarget(name: "DecantReliabilityTests", dependencies: [
            "decant", "DecantCore", "DecantStorage", "DecantState", "DecantSQLite", "TestSupport",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
