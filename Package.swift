// swift-tools-version:6.0
import PackageDescription

// Linux only: the code uses /proc, pidfds and Glibc directly (no Darwin branches).

let package = Package(
    name: "PhaseGolem",
    products: [
        .executable(name: "phase-golem", targets: ["phase-golem"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        .target(name: "CSystemShims"),
        .target(
            name: "PhaseGolemCore",
            dependencies: [
                "CSystemShims",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "PhaseGolemTUI",
            dependencies: [
                "PhaseGolemCore",
                "CNcurses",
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .executableTarget(
            name: "phase-golem",
            dependencies: [
                "PhaseGolemCore",
                "PhaseGolemTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "phase-golem-bench",
            dependencies: ["PhaseGolemCore"]
        ),
        .testTarget(
            name: "PhaseGolemCoreTests",
            dependencies: ["PhaseGolemCore"]
        ),
        .testTarget(
            name: "PhaseGolemTUITests",
            dependencies: ["PhaseGolemTUI", "PhaseGolemCore"],
            exclude: ["__Snapshots__"]
        ),
        .testTarget(
            name: "PhaseGolemCLITests",
            dependencies: ["PhaseGolemCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
