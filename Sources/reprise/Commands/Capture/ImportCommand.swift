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
            (times are the capture's). Calls the capture saw only in part are kept and marked incomplete.

              tcpdump -i any -w traffic.pcap 'tcp port 50051'
              reprise import traffic.pcap --out traffic.jsonl --port 50051 \\
                  -I protos --proto demo/v1/demo.proto
            """)

    @Argument(help: ArgumentHelp("The capture file (pcap or pcapng).", valueName: "capture"))
    var capture: String

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The recording to write.", valueName: "file"))
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var overwrite = false

    @OptionGroup var schema: SchemaOptions
    @OptionGroup var filter: CaptureFilterOptions
    @OptionGroup var redaction: RecordRedactionOptions
    @OptionGroup var keyLog: TLSKeyLogOptions

    @Flag(
        name: .customLong("raw-fields"),
        help: "Add a schema-less view (field numbers and wire types) to messages the schema cannot decode.")
    var rawFields = false

    @Flag(help: "Print only errors.")
    var quiet = false

    func run() throws {
        let source: PacketSource
        do {
            source = try PacketSource(file: capture)
            try source.setFilter(filter.expression)
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
        let tlsKeyLog = try keyLog.load()
        let recording = try CaptureRecording(
            schema: schema, redaction: redaction.policy, rawFields: rawFields, out: out, overwrite: overwrite,
            source: .capture(file: capture, filter: filter.expression), configuration: configuration(tlsKeyLog))

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
        if !quiet { FileHandle.standardError.write(Data("import: \(summary)\n".utf8)) }
    }

    private func configuration(_ tlsKeyLog: TLSKeyLog?) -> CaptureImporter.Configuration {
        var configuration = CaptureImporter.Configuration()
        configuration.tlsKeyLog = tlsKeyLog
        configuration.maxHeldBytesPerConnection = filter.maxHeldBytes
        configuration.serverPorts = filter.serverPorts
        return configuration
    }
}
