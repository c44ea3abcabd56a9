import ArgumentParser
import Capture
import Foundation
import ProtoCodec
import Recording

/// `reprise import`: a pcap or pcapng file into a recording.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a packet capture (pcap or pcapng, from tcpdump or Wireshark) into a recording.",
        discussion: """
            Reads the capture's TCP connections, puts their segments back in order, and decodes HTTP/2 and \
            gRPC with the proxy's own recorder, so the recording is what `reprise record` would have written \
            (times are the capture's). Calls the capture saw only in part are kept and marked incomplete. \
            A connection the capture joined after it began is read from its first whole frame; a call whose \
            method was lost with the header table state before it is inferred from its messages (which \
            needs the schema) or counted as lost, and the closing line says which and why. A capture that \
            ends inside a packet (tcpdump stopped mid-write) is read up to there: the recording keeps \
            everything before it, and the exit status is 66. So is a capture from which no call could be \
            recovered (TLS without --tls-keylog, no gRPC traffic, a filter that kept nothing).

              tcpdump -i any -w traffic.pcap 'tcp port 50051'
              reprise import traffic.pcap --out traffic.jsonl --port 50051 \\
                  -I protos --proto demo/v1/demo.proto
            """)

    @Argument(help: ArgumentHelp("The capture file (pcap or pcapng).", valueName: "capture"))
    var capture: String

    @OptionGroup var options: CaptureRecordingOptions

    @Flag(help: "Print only errors.")
    var quiet = false

    func run() throws {
        let source: PacketSource
        do {
            source = try PacketSource(file: capture)
            try source.setFilter(options.filter.expression)
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
        let recording = try options.recording(
            source: .capture(file: capture, filter: options.filter.expression), twoThreads: true)

        var truncated: String?
        reading: while true {
            switch source.next() {
            case .packet(let packet): try recording.process(packet)
            case .timeout: continue
            case .end: break reading
            case .failed(let problem):
                truncated = problem
                break reading
            }
        }
        var summary = try recording.finish()
        summary.truncatedFile = truncated
        summary.add(source)
        if !quiet { StandardStream.error.write("reprise import: \(summary)\n") }
        if truncated != nil {
            throw CommandError(
                "\(capture) ends inside a packet, or could not be read past it (see above); \(options.out) keeps "
                    + "everything before it", status: .unreadableInput)
        }
        // Nothing came out: the wrong capture, its TLS keys missing, a filter that kept nothing. A job that
        // goes on to replay or mock the empty recording must not think it has one.
        if summary.calls == 0 {
            throw CommandError(
                "no call recovered from \(capture)" + (quiet ? ": \(summary)" : " (see above)")
                    + "; \(options.out) holds only its header", status: .unreadableInput)
        }
    }
}
