// swift-tools-version: 6.1
import PackageDescription

/// Settings every Reprise target shares: Swift 6 mode, strict concurrency, and the upcoming features
/// the model packages use, so `any` and imports are always explicit.
///
/// Release builds leave out the run-time exclusivity checks (`-enforce-exclusivity=unchecked`): every
/// access to a class's stored `var` took a thread-local look-up, about 10% of a capture import's CPU and
/// as much again of the engine's per call (issue 9's profile). Debug builds, which `make test` runs, keep
/// the checks, so an overlapping access still traps in the tests; the compile-time checks stay everywhere.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

let package = Package(
    name: "Reprise",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "reprise", targets: ["reprise"]),
        .library(name: "ProtoSchema", targets: ["ProtoSchema"]),
        .library(name: "ProtoCodec", targets: ["ProtoCodec"]),
        .library(name: "GRPCProtocol", targets: ["GRPCProtocol"]),
        .library(name: "GRPCWire", targets: ["GRPCWire"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "MetricsExporter", targets: ["MetricsExporter"]),
        .library(name: "Recording", targets: ["Recording"]),
        .library(name: "Tap", targets: ["Tap"]),
        .library(name: "Proxy", targets: ["Proxy"]),
        .library(name: "Capture", targets: ["Capture"]),
        .library(name: "Reflection", targets: ["Reflection"]),
        .library(name: "DemoServer", targets: ["DemoServer"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "Mock", targets: ["Mock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: Whole files read with the system's own words for what went wrong
        .target(name: "LocalFile", swiftSettings: swiftSettings),

        // MARK: Schema and codec
        .target(
            name: "ProtoSchema",
            dependencies: ["LocalFile", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ProtoCodec",
            dependencies: [
                "ProtoSchema", "GRPCProtocol", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The gRPC protocol's vocabulary, no I/O and no dependencies
        .target(name: "GRPCProtocol", swiftSettings: swiftSettings),

        // MARK: Wire
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "GRPCWire",
            dependencies: nio + [
                "GRPCProtocol", "CZlib",
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Reflection and health (client and server), on the wire and the codec
        .target(
            name: "Reflection",
            dependencies: nio + [
                "GRPCWire", "GRPCProtocol", "ProtoCodec", "ProtoSchema",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The demo server (tests, `reprise demo-server`)
        .target(
            name: "DemoServer",
            dependencies: nio + ["GRPCWire", "GRPCProtocol", "ProtoCodec", "ProtoSchema", "Reflection"],
            swiftSettings: swiftSettings
        ),

        // MARK: The engine: k6's gRPC API on the wire, the codec and the metrics
        .target(
            name: "Engine",
            dependencies: nio + [
                "GRPCWire", "GRPCProtocol", "ProtoCodec", "ProtoSchema", "Reflection", "Metrics", "LocalFile",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Replay
        .systemLibrary(name: "CTimerFD", path: "Sources/CTimerFD"),
        .target(
            name: "Replay",
            dependencies: nio + [
                "Engine", "Recording", "Metrics", "GRPCWire", "GRPCProtocol", "ProtoCodec", "ProtoSchema", "LocalFile",
                "CTimerFD", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Mock: recordings served back as the service (matching by fields uses Replay's golden rules)
        .target(
            name: "Mock",
            dependencies: nio + [
                "GRPCWire", "GRPCProtocol", "Recording", "Reflection", "Replay", "ProtoCodec", "ProtoSchema",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Metrics
        .target(
            name: "Metrics",
            dependencies: [
                "GRPCProtocol", "CZlib", "LocalFile", .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The live Prometheus endpoint lives apart so Metrics stays free of NIO. (swift-prometheus can't
        // join the graph: its swift-metrics dependency declares a target named `Metrics` too.)
        .target(
            name: "MetricsExporter",
            dependencies: nio + ["Metrics", .product(name: "NIOHTTP1", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),

        // MARK: Recordings and the recording proxy
        .target(
            name: "Recording",
            dependencies: [
                "ProtoSchema", "ProtoCodec", "GRPCProtocol", "LocalFile",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // Passive HTTP/2: both directions of a connection's bytes in, the calls' events out (proxy, capture).
        .target(
            name: "Tap",
            dependencies: [
                "Recording", "GRPCProtocol", "GRPCWire", .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Proxy",
            dependencies: nio + [
                "GRPCWire", "GRPCProtocol", "Recording", "Tap", "ProtoSchema", "ProtoCodec", "LocalFile",
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        // Packet captures (files and live) through libpcap, TCP reassembly, into the tap.
        .systemLibrary(name: "CPcap", path: "Sources/CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(
            name: "Capture",
            dependencies: [
                "CPcap", "Tap", "Recording", "GRPCProtocol", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Command-line tool
        .executableTarget(
            name: "reprise",
            dependencies: [
                "ProtoSchema", "ProtoCodec", "GRPCProtocol", "GRPCWire", "Metrics", "MetricsExporter", "Recording",
                "Proxy", "Capture", "LocalFile",
                "Reflection", "DemoServer", "Engine", "Replay", "Mock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks (driven by bench/*.sh)
        .executableTarget(
            name: "reprise-bench",
            dependencies: nio + [
                "ProtoSchema", "ProtoCodec", "GRPCWire", "Metrics", "Engine", "CMallocCounter",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            path: "Benchmarks/reprise-bench",
            swiftSettings: swiftSettings
        ),

        // Counts malloc/calloc/realloc calls by interposing them; only the bench executable links it.
        .target(name: "CMallocCounter", path: "Benchmarks/CMallocCounter"),

        // MARK: Test support and tests
        .target(
            name: "TestSupport",
            dependencies: nio + [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "GRPCProtocolTests", dependencies: ["GRPCProtocol"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ProtoSchemaTests", dependencies: ["ProtoSchema", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ProtoCodecTests", dependencies: ["ProtoCodec", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GRPCWireTests",
            dependencies: nio + [
                "GRPCWire", "GRPCProtocol", "TestSupport",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "RecordingTests",
            dependencies: ["Recording", "GRPCProtocol", "ProtoCodec", "ProtoSchema", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ProxyTests",
            dependencies: nio + [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "Proxy", "Recording", "GRPCWire", "GRPCProtocol", "ProtoCodec", "ProtoSchema", "TestSupport",
                "DemoServer",
                "Reflection", "Replay", "Engine",
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TapTests",
            dependencies: nio + [
                "Tap", "Recording", "GRPCWire", "GRPCProtocol", "TestSupport",
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "CaptureTests",
            dependencies: nio + [
                "Capture", "Recording", "Tap", "DemoServer", "GRPCWire", "GRPCProtocol", "ProtoCodec", "TestSupport",
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ReflectionTests",
            dependencies: nio + [
                "Reflection", "GRPCWire", "GRPCProtocol", "ProtoSchema", "ProtoCodec", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ReplayTests",
            dependencies: nio + [
                "Replay", "Engine", "Recording", "DemoServer", "GRPCWire", "GRPCProtocol", "Metrics", "ProtoCodec",
                "TestSupport",
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MockTests",
            dependencies: nio + [
                "Mock", "Proxy", "Recording", "DemoServer", "GRPCWire", "GRPCProtocol", "ProtoCodec", "ProtoSchema",
                "Reflection", "Replay", "TestSupport",
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EngineTests",
            dependencies: nio + [
                "Engine", "DemoServer", "GRPCWire", "GRPCProtocol", "Reflection", "Metrics", "ProtoCodec",
                "ProtoSchema",
                "TestSupport",
            ],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DemoServerTests",
            dependencies: nio + ["DemoServer", "GRPCWire", "GRPCProtocol", "Reflection", "TestSupport"],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        // The command line as a user meets it: the built binary run against real peers.
        .testTarget(
            name: "CLITests",
            dependencies: nio + ["DemoServer", "GRPCWire", "Recording", "TestSupport"],
            exclude: ["Peers"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MetricsTests", dependencies: ["Metrics", "MetricsExporter", "GRPCProtocol", "TestSupport"],
            swiftSettings: swiftSettings),
    ]
)
