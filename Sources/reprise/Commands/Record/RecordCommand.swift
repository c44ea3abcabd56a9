import ArgumentParser
import Foundation
import Metrics
import Proxy
import Recording

/// `reprise record`: the recording proxy.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record gRPC traffic: a proxy between clients and a server that writes every call to a recording.",
        discussion: """
            Point clients at --listen instead of the server; every call is forwarded untouched and written, \
            message by message as it happens, to --out (JSON Lines, see docs/recording-format.md).

              reprise record --listen 127.0.0.1:7000 --upstream 127.0.0.1:50051 \\
                  --out demo.jsonl -I protos --proto demo/v1/demo.proto
              reprise record --listen 7000 --upstream api.example.com:443 \\
                  --upstream-tls --reflect --out api.jsonl
              reprise record --listen 7443 --tls-local-ca \\
                  --upstream 127.0.0.1:50051 --out tls.jsonl

            Ctrl-C (or SIGTERM) stops accepting, lets calls in flight finish (--grace), and closes the \
            recording; a second Ctrl-C stops at once, with every line written so far intact.
            """)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where clients connect: HOST:PORT or PORT (the host defaults to 127.0.0.1).", valueName: "addr"))
    var listen: String

    @Option(name: .long, help: ArgumentHelp("The server to forward to: HOST:PORT.", valueName: "addr"))
    var upstream: String

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The recording to write.", valueName: "file"))
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var overwrite = false

    @OptionGroup var schema: SchemaOptions

    @Flag(help: "Fetch the schema from the server's reflection service when the proxy starts.")
    var reflect = false

    @Option(
        name: .customLong("reflect-metadata"),
        help: ArgumentHelp(
            "Metadata for the reflection call, KEY:VALUE (repeatable; never recorded).", valueName: "pair"))
    var reflectMetadata: [String] = []

    @OptionGroup var tls: RecordTLSOptions
    @OptionGroup var redaction: RecordRedactionOptions
    @OptionGroup var methodFilter: RecordMethodOptions

    @Flag(
        name: .customLong("raw-fields"),
        help: "Add a schema-less view (field numbers and wire types) to messages the schema cannot decode.")
    var rawFields = false

    @Option(help: ArgumentHelp("How long calls in flight may finish after Ctrl-C.", valueName: "duration"))
    var grace = "10s"

    @Option(
        help: ArgumentHelp(
            "When lines are forced to disk: periodic (every second), always (every write), never (left to the system).",
            valueName: "policy"))
    var sync = "periodic"

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Event-loop threads forwarding traffic (default: one per core).", valueName: "n"))
    var threads: Int?

    @Flag(help: "Print only errors.")
    var quiet = false

    func validate() throws {
        try ServerAddress(upstream, option: "--upstream").checkNotSelf(try ListenAddress(listen), option: "--upstream")
        _ = try graceDuration()
        _ = try syncPolicy()
        _ = try methodFilter.filter()
        if let threads, threads < 1 {
            throw ValidationError("--threads takes a number of threads, at least 1; got \(threads).")
        }
        if reflect, !schema.protoset.isEmpty || !schema.proto.isEmpty {
            throw ValidationError("Use either --reflect or --proto/--protoset as the schema, not both.")
        }
    }

    func graceDuration() throws -> Duration {
        guard let duration = try? GoDuration.parse(grace), duration >= .zero else {
            throw ValidationError("--grace takes a duration such as 10s, 500ms or 1m; got \"\(grace)\".")
        }
        return duration
    }

    func syncPolicy() throws -> SyncPolicy {
        switch sync {
        case "periodic": return .defaults
        case "always": return .always
        case "never": return .never
        default: throw ValidationError("--sync is periodic, always or never; got \"\(sync)\".")
        }
    }
}
