import ArgumentParser
import Foundation
import Metrics
import NIOCore
import NIOPosix
import ProtoCodec
import ProtoSchema
import Proxy
import Recording

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension RecordCommand {
    func run() async throws {
        let listenAddress = try ListenAddress(listen)
        let upstreamAddress = try ServerAddress(upstream, option: "--upstream")
        let (listenHost, listenPort) = (listenAddress.host, listenAddress.port)
        let (upstreamHost, upstreamPort) = (upstreamAddress.host, upstreamAddress.port)
        var configuration = ProxyConfiguration(
            listenPort: listenPort, upstreamHost: upstreamHost, upstreamPort: upstreamPort)
        configuration.listenHost = listenHost
        configuration.upstreamTLS = try tls.upstreamConfiguration()
        configuration.upstreamFailureAdvice = tls.upstream.advice(for:)
        let (downstreamTLS, localCA) = try tls.downstreamConfiguration(listenHost: listenHost)
        configuration.downstreamTLS = downstreamTLS
        let console = RecordConsole(quiet: quiet)
        let grace = try graceDuration()

        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? System.coreCount)
        do {
            try await record(
                configuration: configuration, localCA: localCA, grace: grace, console: console, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    private func record(
        configuration: ProxyConfiguration, localCA: LocalCertificateAuthority?, grace: Duration, console: RecordConsole,
        group: any EventLoopGroup
    ) async throws {
        let listenHost = configuration.listenHost
        let downstreamTLS = configuration.downstreamTLS
        let (pool, files) = try await loadSchema(configuration: configuration, group: group)
        let registry: MessageRegistry?
        do {
            registry = try pool.map { try MessageRegistry(pool: $0) }
        } catch {
            throw CommandError("the schema cannot be used for decoding: \(error)")
        }
        do {
            _ = try MessageRedactor(policy: redaction.policy, pool: pool)
        } catch {
            throw CommandError("\(error)")
        }

        let stop = RecordStopSignal()
        let filter = try methodFilter.filter()
        var recorderConfiguration = ProxyRecorder.Configuration()
        recorderConfiguration.methodFilter = filter
        let recorder = ProxyRecorder(configuration: recorderConfiguration) { error in stop.trigger(.failure(error)) }
        stop.install(recorder: recorder, console: console)

        let proxy: ProxyServer
        do {
            proxy = try await ProxyServer.start(
                configuration: configuration, recorder: recorder, group: group, log: { console.warn($0) })
        } catch {
            throw CommandError.cannotListen(on: try ListenAddress(listen), error)
        }
        let boundAddress = hostPort(listenHost, proxy.port)
        let header = RecordingHeader(
            source: .proxy(
                listen: boundAddress, upstream: configuration.upstreamTarget, tls: configuration.tlsDescription),
            schema: try pool.map { try EmbeddedSchema(pool: $0, files: files) }, redaction: redaction.policy)
        do {
            let writer = try RecordingWriter(path: out, header: header, sync: try syncPolicy(), overwrite: overwrite)
            var options = RecordingSession.Options()
            options.includeRawFields = rawFields
            recorder.start(
                session: try RecordingSession(writer: writer, registry: registry, options: options))
        } catch {
            await proxy.close()
            throw CommandError("\(error)", status: error is RecordingWriteError ? .unwritableOutput : .failure)
        }

        console.info(
            "listening on \(boundAddress) (\(downstreamTLS == nil ? "plaintext" : "TLS")), forwarding to "
                + "\(configuration.upstreamTarget) (\(configuration.upstreamTLS == nil ? "plaintext" : "TLS"))")
        console.info(
            "recording to \(out) (\(Self.describe(schema: header.schema)); redacting \(Self.describe(redaction.policy)))"
        )
        if !filter.keepsEverything { console.info("recording \(RecordMethodOptions.describe(filter))") }
        if let localCA { console.explainTrust(localCA, address: boundAddress) }

        let progress = Task { await console.progress(recorder: recorder, proxy: proxy) }
        let reason = await stop.wait()
        progress.cancel()
        console.endLiveLine()

        if case .signal(let name) = reason {
            let open = recorder.statistics.openCalls
            console.info(
                "\(name): stopping; \(open == 0 ? "no calls in flight" : "waiting up to \(GoDurationText.format(grace)) for \(open) call(s) in flight") "
                    + "(press Ctrl-C again to stop at once)")
            await proxy.shutdown(gracePeriod: grace)
        } else {
            await proxy.close()
        }
        if case .failure(let error) = reason {
            // The lines that could not be written stay unwritten; what is in the file ends with a whole line.
            try? recorder.finish()
            throw CommandError(
                "\(error); the proxy stopped. The recording keeps what was written before, ending with a whole "
                    + "line", status: .unwritableOutput)
        }
        do {
            try recorder.finish()
        } catch {
            throw CommandError("\(error)", status: .unwritableOutput)
        }
        let statistics = recorder.statistics
        console.info(
            "recorded \(statistics.calls) call(s), \(statistics.messages) message(s) to \(out) "
                + "(\(statistics.bytesWritten) bytes)"
                + (statistics.excludedCalls > 0
                    ? "; \(statistics.excludedCalls) call(s) relayed but left out by the method filter" : "")
                + (statistics.pauses > 0
                    ? "; the disk fell behind \(statistics.pauses) time(s) and traffic was slowed, nothing was lost"
                    : ""))
    }

    /// The schema from protosets, `.proto` files or reflection, and the files to name in the header.
    private func loadSchema(
        configuration: ProxyConfiguration, group: any EventLoopGroup
    ) async throws -> (DescriptorPool?, [String]) {
        if reflect {
            return try await reflectedSchema(configuration: configuration, group: group)
        }
        return try schema.recordingSchema()
    }

    static func describe(schema: EmbeddedSchema?) -> String {
        guard let schema else { return "no schema: messages are kept raw" }
        return "schema: \(schema.files.count) file(s), \(schema.fingerprint.prefix(19))…"
    }

    static func describe(_ policy: RedactionPolicy) -> String {
        let parts = policy.metadataKeys + policy.fieldPaths
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }
}

/// `GoDuration.format` without importing Metrics' names into every file.
enum GoDurationText {
    static func format(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : String(format: "%.1fs", seconds)
    }
}
