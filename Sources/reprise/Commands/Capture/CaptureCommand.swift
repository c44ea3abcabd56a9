import ArgumentParser
import Capture
import Foundation
import Metrics
import Recording

/// `reprise capture`: live packets from an interface into a recording.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture gRPC traffic live from a network interface into a recording (needs root or CAP_NET_RAW).",
        discussion: """
            Captures with libpcap like tcpdump, and records as `reprise import` does: TCP segments put back in \
            order, HTTP/2 and gRPC decoded by the proxy's own recorder. Stops on Ctrl-C, after --count calls or \
            after --duration, and reports the packets the kernel dropped. A capture that recorded no call \
            exits 66, as `reprise import` does.

              sudo reprise capture -i lo --port 50051 --out traffic.jsonl \\
                  -I protos --proto demo/v1/demo.proto
              sudo reprise capture -i any --out traffic.jsonl --count 100 \\
                  'tcp port 50051 and host 10.0.0.7'
            """)

    @Option(
        name: [.customShort("i"), .long],
        help: ArgumentHelp("The interface to capture on (`any` for all of them on Linux).", valueName: "name"))
    var interface: String

    @Argument(
        help: ArgumentHelp(
            "A BPF filter expression (tcpdump's syntax), added to --port and --host.",
            valueName: "expression"))
    var expression: [String] = []

    @Option(help: ArgumentHelp("Stop after this many calls have ended.", valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp("Stop after this long (e.g. 30s, 5m).", valueName: "duration"))
    var duration: String?

    @OptionGroup var options: CaptureRecordingOptions

    @Flag(help: "Print only errors (no progress line, no summary).")
    var quiet = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count takes a number of calls, at least 1; got \(count).") }
        _ = try stopAfter()
    }

    private func stopAfter() throws -> Duration? {
        guard let duration else { return nil }
        guard let parsed = try? GoDuration.parse(duration), parsed > .zero else {
            throw ValidationError("--duration takes a duration such as 30s, 500ms or 5m; got \"\(duration)\".")
        }
        return parsed
    }

    func run() throws {
        var filter = options.filter
        if !expression.isEmpty {
            let words = expression.joined(separator: " ")
            filter.filter = filter.filter.map { "(\($0)) and (\(words))" } ?? words
        }
        let source = try open()
        do {
            try source.setFilter(filter.expression)
        } catch {
            throw CommandError("\(error)", status: .usage)
        }
        let recording = try options.recording(
            source: .capture(interface: interface, filter: filter.expression), filter: filter)

        let stop = CaptureStopSignal()
        stop.install()
        if !quiet {
            CaptureConsole.print("capturing on \(interface) (\(filter.expression)) into \(options.out); Ctrl-C stops")
        }
        let started = ContinuousClock.now
        let deadline = try stopAfter().map { started + $0 }
        var lastProgress = started
        var lastPrinted: ContinuousClock.Instant?
        var console = CaptureConsole(quiet: quiet)
        var reason = "interrupted"
        var failure: String?
        reading: while true {
            switch source.next() {
            case .packet(let packet):
                try recording.process(packet)
                if let count, recording.callsEnded >= count {
                    reason = "\(count) call(s) ended"
                    break reading
                }
            case .timeout: break
            case .end: break reading
            case .failed(let problem):
                failure = problem
                break reading
            }
            if let signal = stop.received {
                reason = signal
                break
            }
            let now = ContinuousClock.now
            if let deadline, now >= deadline {
                reason = "--duration \(duration ?? "") elapsed"
                break
            }
            if now - lastProgress >= .seconds(1) {
                lastProgress = now
                try recording.flush()
                // A live line on a terminal; in a log, the first second and then every ten.
                if console.isTerminal || lastPrinted.map({ now - $0 >= .seconds(10) }) ?? true {
                    lastPrinted = now
                    console.progress(Self.progress(recording.summary, source))
                }
            }
        }
        console.endLiveLine()
        var summary = try recording.finish(time: Int64(Date().timeIntervalSince1970 * 1e9))
        summary.add(source)
        if let failure {
            throw CommandError("capturing on \(interface) failed: \(failure); the recording keeps what came before")
        }
        if !quiet { CaptureConsole.print("stopped (\(reason)): \(summary)") }
        // As `import`: a job that goes on to replay or mock what it captured must not take an empty
        // recording for one (the wrong interface or port, TLS without --tls-keylog, no traffic at all).
        if summary.calls == 0 {
            throw CommandError(
                "no call captured on \(interface)" + (quiet ? ": \(summary)" : " (see above)")
                    + "; \(options.out) holds only its header", status: .unreadableInput)
        }
    }

    private func open() throws -> PacketSource {
        do {
            return try PacketSource(interface: interface)
        } catch  where error.code == .permission {
            let executable = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).path } ?? "reprise"
            throw CommandError(
                "\(error.message). Capturing needs root or the CAP_NET_RAW capability: run it with sudo, or give "
                    + "the executable the capability once: sudo setcap cap_net_raw,cap_net_admin=eip \(executable)",
                status: .permissionDenied)
        } catch  where error.code == .noSuchInterface {
            let known = PacketSource.interfaces()
            throw CommandError(
                "\(error.message). "
                    + (known.isEmpty
                        ? "No interface can be listed here (`ip link` shows them)."
                        : "Interfaces here: \(known.joined(separator: ", ")) (choose one with --interface)."),
                status: .usage)
        } catch {
            throw CommandError("\(error)")
        }
    }

    private static func progress(_ summary: CaptureSummary?, _ source: PacketSource) -> String {
        let summary = summary ?? CaptureSummary()
        let drops = source.drops().map { "\($0.kernel + $0.interface)" } ?? "?"
        return "\(summary.packets) packet(s), \(summary.calls) call(s) (\(summary.callsComplete) complete), "
            + "\(summary.connections) connection(s), \(drops) dropped by the kernel"
    }
}
