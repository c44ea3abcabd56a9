// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer targets for Reprise's parsers, built only by `make fuzz` (scripts/fuzz.sh) with
// `--sanitize=fuzzer --sanitize=address` into .build-fuzz, never by the main package's build or tests.
// Each target is an executable whose `LLVMFuzzerTestOneInput` libFuzzer calls; libFuzzer brings `main`,
// so the Swift files are parsed as a library.

/// The main package's identity is its folder's name (`..` is a path dependency), whatever the clone is called.
let reprise = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-parse-as-library"]),
]

/// One fuzz target: its folder under Sources/ and the products it feeds.
func fuzzTarget(_ name: String, _ products: [String], nio: [String] = [], support: Bool = false) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: reprise) }
            + nio.map { .product(name: $0, package: "swift-nio") } + (support ? ["FuzzSupport"] : []),
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "RepriseFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // Reads inputs, compiles the codec fixtures' schema for the decoder targets, imports captures.
        .target(
            name: "FuzzSupport",
            dependencies: ["ProtoSchema", "ProtoCodec", "Capture", "Recording"].map {
                .product(name: $0, package: reprise)
            },
            swiftSettings: swiftSettings
        ),
        fuzzTarget("proto-compiler", ["ProtoSchema"]),
        fuzzTarget("binary-decoder", ["ProtoCodec"], support: true),
        fuzzTarget("json-decoder", ["ProtoCodec"], support: true),
        fuzzTarget("recording-reader", ["Recording", "ProtoCodec"]),
        fuzzTarget("http2-tap", ["Tap", "Recording", "DemoServer"], nio: ["NIOCore"], support: true),
        fuzzTarget("pcap-reader", [], support: true),
        fuzzTarget("tls-capture", ["Capture"], support: true),
        fuzzTarget("grpc-server", ["GRPCWire", "GRPCProtocol"], nio: ["NIOCore", "NIOEmbedded"]),
        fuzzTarget("threshold-parser", ["Metrics"]),
        fuzzTarget("rules-parser", ["Replay"]),
    ]
)
