import ArgumentParser
import Foundation
import ProtoCodec
import ProtoSchema

#if canImport(Glibc)
    import Glibc
#endif

/// `reprise-bench codec`: throughput of the dynamic codec on one message, for `bench/bench-codec.sh`
/// to put side by side with Python's protobuf (upb) on the same bytes.
struct CodecBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Binary and JSON encode/decode throughput of ProtoCodec on one message (prints JSON).")

    @Option(help: "The protoset with the message type.") var protoset: String
    @Option(help: "The full name of the message type.") var type: String
    @Option(help: "The message as protobuf binary.") var binary: String
    @Option(help: "The message as proto3 JSON (protobuf's always_print_fields_with_no_presence form).")
    var json: String
    @Option(help: "Timed runs per operation; the median is reported.") var runs = 7
    @Option(help: "Seconds per timed run.") var seconds = 0.25
    @Option(help: "Run exactly this many calls once instead of timing (for `perf stat`).") var iterations: Int?
    @Option(help: "Run only this operation (for profiling): binary_decode, binary_encode, json_encode, json_decode.")
    var only: String?

    func run() throws {
        let registry = try MessageRegistry(pool: DescriptorPool(protosetAt: protoset))
        guard let messageType = registry.type(named: type) else { throw ValidationError("unknown type \(type)") }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: binary)))
        let jsonBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: json)))
        let message = try DynamicMessage(type: messageType, serializedBytes: bytes)
        let jsonOptions = JSONEncodingOptions.with { $0.unpopulated = .emittedWithoutPresence }
        var sink = 0

        let operations: [(name: String, size: Int, body: () throws -> Int)] = [
            (
                "binary_decode", bytes.count,
                {
                    try bytes.withUnsafeBytes { buffer in
                        try DynamicMessage(type: messageType, serializedBytes: buffer).unknownFields.count
                    }
                }
            ),
            ("binary_encode", bytes.count, { try message.serializedBytes().count }),
            ("json_encode", jsonBytes.count, { try message.jsonUTF8Bytes(options: jsonOptions).count }),
            (
                "json_decode", jsonBytes.count,
                { try DynamicMessage(type: messageType, jsonUTF8Bytes: jsonBytes).unknownFields.count }
            ),
        ]
        var results: JSONObject = [
            "bytes": .number(JSONNumber(bytes.count)), "json_bytes": .number(JSONNumber(jsonBytes.count)),
        ]
        for operation in operations where only == nil || only == operation.name {
            if let iterations {
                for _ in 0..<iterations { sink &+= try operation.body() }
                continue
            }
            let (nanoseconds, iterations) = try Self.measure(runs: runs, seconds: seconds) {
                sink &+= try operation.body()
            }
            let megabytesPerSecond = Double(operation.size) / nanoseconds * 1e9 / 1e6
            results[operation.name] = [
                "ns_per_op": .number(JSONNumber(nanoseconds) ?? 0),
                "mb_per_s": .number(JSONNumber(megabytesPerSecond) ?? 0),
                "iterations": .number(JSONNumber(iterations)),
            ]
        }
        if let allocations = try Self.allocationsPerCall(count: 200, { sink &+= try operations[0].body() }) {
            results["allocations_per_decode"] = .number(JSONNumber(allocations) ?? 0)
        }
        if let allocations = try Self.allocationsPerCall(count: 200, { sink &+= try operations[1].body() }) {
            results["allocations_per_encode"] = .number(JSONNumber(allocations) ?? 0)
        }
        results["sink"] = .number(JSONNumber(sink & 1))
        print(JSONValue.object(results).jsonString())
    }

    /// CPU time of the calling thread: unlike wall time, it does not count time other processes on
    /// this shared machine take the core away.
    static func threadCPUNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The median CPU nanoseconds per call over `runs` runs of about `seconds` each, and the calls per run.
    static func measure(runs: Int, seconds: Double, _ body: () throws -> Void) throws -> (Double, Int) {
        var iterations = 1
        while true {  // calibrate: double until one run takes a tenth of the target
            let start = threadCPUNanoseconds()
            for _ in 0..<iterations { try body() }
            let elapsed = Double(threadCPUNanoseconds() - start) / 1e9
            if elapsed > seconds / 10 {
                iterations = max(1, Int(Double(iterations) * seconds / elapsed))
                break
            }
            iterations *= 2
        }
        var perCall: [Double] = []
        for _ in 0..<runs {
            let start = threadCPUNanoseconds()
            for _ in 0..<iterations { try body() }
            perCall.append(Double(threadCPUNanoseconds() - start) / Double(iterations))
        }
        perCall.sort()
        return (perCall[perCall.count / 2], iterations)
    }

    /// Heap allocations per call, when the process runs with bench/malloc-count.so preloaded.
    static func allocationsPerCall(count: Int, _ body: () throws -> Void) throws -> Double? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "reprise_malloc_count") else { return nil }
        let counter = unsafeBitCast(symbol, to: (@convention(c) () -> UInt).self)
        try body()
        let before = counter()
        for _ in 0..<count { try body() }
        return Double(counter() - before) / Double(count)
    }
}
