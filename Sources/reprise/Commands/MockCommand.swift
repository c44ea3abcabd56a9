import ArgumentParser
import Foundation
import GRPCProtocol
import GRPCWire
import LocalFile
import Mock
import NIOCore
import NIOPosix
import Proxy
import Recording
import Replay

/// `reprise mock`: serves recordings back as the service until SIGINT or SIGTERM, then prints what it did.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve recordings back as the service: recorded headers, messages, trailers and statuses.",
        discussion: """
            A call is matched by method, then by its decoded request fields (exact, or leaving out fields named \
            by --ignore or a --rules file), and optionally by request headers (--match-header). The same request \
            recorded several times is answered in recorded order, then the last answer repeats (--cycle goes \
            round). Streams keep the recorded gaps between messages (--no-delay sends at once); a server message \
            of a client or bidirectional stream goes out after the client messages that preceded it.

            A request no recorded call matches gets NOT_FOUND (or --miss-code unimplemented) with a message \
            naming the nearest recorded call and the fields that differ; with --passthrough it goes to a real \
            server instead, and --append FILE records the answer there for the next run. Reflection (v1, \
            v1alpha) and health come from the recording's embedded schema. At exit, a JSON summary of calls \
            served, matched and missed per method goes to stdout (and to --summary FILE).

              reprise mock recordings/demo.jsonl --listen 127.0.0.1:50051
              reprise mock api.jsonl --listen 7443 --tls-local-ca \\
                  --ignore requestId --cycle
              reprise mock api.jsonl --passthrough api.internal:50051 --append api.jsonl
            """)

    @Argument(help: ArgumentHelp("The recordings to serve (JSON Lines).", valueName: "recording"))
    var recordings: [String]

    @Option(help: ArgumentHelp("The address to listen on (port 0 picks a free port).", valueName: "host:port"))
    var listen = "127.0.0.1:50051"

    @OptionGroup var tls: ServeTLSOptions

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp(
            "A request field left out of matching: [METHOD:]PATH in the golden check's syntax, e.g. requestId, "
                + "**.timestamp, 'demo.v1.Demo/Echo:meta.id' (repeatable).", valueName: "rule"))
    var ignoreRules: [String] = []

    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp("A golden-check rules file (YAML); its ignore rules apply to requests.", valueName: "file"))
    var rulesFile: String?

    @Option(
        name: .customLong("match-header"),
        help: ArgumentHelp("A request metadata key whose value must be as recorded too (repeatable).", valueName: "key")
    )
    var matchHeaders: [String] = []

    @Flag(help: "Answer a request recorded several times round and round, instead of repeating the last answer.")
    var cycle = false

    @Flag(name: .customLong("no-delay"), help: "Send stream messages at once, not at the recorded pace.")
    var noDelay = false

    @Option(
        name: .customLong("miss-code"),
        help: ArgumentHelp("The status of an unmatched request: not-found or unimplemented.", valueName: "code"))
    var missCode = "not-found"

    @Option(
        help: ArgumentHelp(
            "Forward unmatched calls to this server and answer from it (plaintext unless --passthrough-tls).",
            valueName: "host:port"))
    var passthrough: String?

    @OptionGroup var passthroughTLS: PassthroughTLSOptions

    @Option(
        help: ArgumentHelp(
            "With --passthrough: append the forwarded calls to this recording (created when missing).",
            valueName: "file"))
    var append: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Event-loop threads serving calls (default: one per core).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Also write the final summary (JSON) to this file.", valueName: "file"))
    var summary: String?

    func validate() throws {
        _ = try ListenAddress(listen)
        if recordings.isEmpty { throw ValidationError("Give at least one recording to serve.") }
        guard ["not-found", "unimplemented"].contains(missCode) else {
            throw ValidationError("--miss-code \(missCode): use not-found or unimplemented.")
        }
        if let threads, threads < 1 {
            throw ValidationError("--threads takes a number of threads, at least 1; got \(threads).")
        }
        if append != nil, passthrough == nil { throw ValidationError("--append goes with --passthrough HOST:PORT.") }
        if passthroughTLS.flags.isUsed, passthrough == nil {
            throw ValidationError("--passthrough-tls and its options go with --passthrough HOST:PORT.")
        }
        if let passthrough {
            try ServerAddress(passthrough, option: "--passthrough").checkNotSelf(
                try ListenAddress(listen), option: "--passthrough")
        }
        for rule in ignoreRules {
            do { _ = try IgnoreRule(parsing: rule) } catch { throw ValidationError("--ignore \(error.message)") }
        }
    }

    func run() async throws {
        let address = try ListenAddress(listen)
        var loaded: [(name: String, recording: Recording)] = []
        for path in recordings {
            do {
                loaded.append((path, try Recording.load(path: path)))
            } catch {
                throw CommandError("\(error)", status: .unreadableInput)
            }
        }
        var configuration = MockConfiguration.defaults
        do {
            for text in ignoreRules { configuration.rules.ignore.append(try IgnoreRule(parsing: text)) }
            if let rulesFile { configuration.rules = configuration.rules.adding(try RulesFile.load(path: rulesFile)) }
        } catch {
            throw CommandError(error.message, status: .unreadableInput)
        }
        configuration.matchHeaders = matchHeaders.map { $0.lowercased() }
        configuration.cycle = cycle
        configuration.pace = !noDelay
        configuration.missCode = missCode == "unimplemented" ? .unimplemented : .notFound
        let (serverTLS, localCA) = try tls.configuration(listenHost: address.host)
        configuration.server.tls = serverTLS
        if let passthrough {
            let upstream = try ServerAddress(passthrough, option: "--passthrough")
            var forward = MockConfiguration.Passthrough(host: upstream.host, port: upstream.port, appendPath: append)
            forward.client.tls = try passthroughTLS.flags.configuration()
            configuration.passthrough = forward
        }
        configuration.log = { line in StandardStream.error.write("reprise mock: \(line)\n") }

        let stop = StopSignal()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? System.coreCount)
        let mock: MockServer
        do {
            mock = try await MockServer.start(
                recordings: loaded, host: address.host, port: address.port, configuration: configuration, group: group)
        } catch let error as MockError {
            // Not the listening: what the mock serves, or the server it passes misses to.
            try? await group.shutdownGracefully()
            let status: ExitStatus =
                switch error.kind {
                case .input: .unreadableInput
                case .unreachable: .unavailable
                case .output: .unwritableOutput
                }
            let advice = error.transportFailure.map { passthroughTLS.flags.advice(for: $0.kind) } ?? ""
            throw CommandError(error.message + advice, status: status)
        } catch {
            try? await group.shutdownGracefully()
            throw CommandError.cannotListen(on: address, error)
        }
        let shown = address.host.contains(":") ? "[\(address.host)]" : address.host
        print(
            "mock listening on \(shown):\(mock.port) (\(serverTLS == nil ? "plaintext" : "TLS")), "
                + "\(mock.methods.count) recorded method\(mock.methods.count == 1 ? "" : "s")")
        if let localCA { print("trust the local CA with: \(localCA.certificatePath)") }
        fflush(nil)
        let signal = await stop.wait()
        StandardStream.error.write("reprise mock: \(signal), shutting down\n")
        await mock.shutdown(gracePeriod: .seconds(2))
        try await group.shutdownGracefully()
        try writeSummary(mock.statistics.snapshot)
    }

    private func writeSummary(_ counts: [String: MockStatistics.Counts]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(["methods": counts])
        print(String(decoding: data, as: UTF8.self))
        fflush(nil)
        if let summary {
            do {
                try LocalFile.write([UInt8](data), to: summary)
            } catch {
                throw CommandError("cannot write --summary \(error)", status: .unwritableOutput)
            }
        }
    }
}
