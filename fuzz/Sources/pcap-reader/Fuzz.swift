import Capture
import Foundation
import Recording

/// A capture file through libpcap's reader, the packet parser, TCP reassembly and the tap, as
/// `reprise import` reads one. libpcap reads files only, so each input is written to one in /dev/shm.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = scratchFile
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else {
        fatalError("cannot write \(path)")
    }
    guard let source = try? PacketSource(file: path) else { return 0 }
    let header = RecordingHeader(source: RecordingSource(kind: "capture"), schema: nil)
    guard let writer = try? RecordingWriter(path: "/dev/null", header: header, sync: .never, overwrite: true),
        let session = try? RecordingSession(writer: writer, registry: nil)
    else { fatalError("cannot write a recording to /dev/null") }
    var configuration = CaptureImporter.Configuration()
    // Small enough that inputs reach the limit.
    configuration.maxHeldBytesPerConnection = 64 * 1024
    let importer = CaptureImporter(session: session, start: 0, configuration: configuration)
    reading: while true {
        switch source.next() {
        case .packet(let packet): importer.process(packet)
        case .timeout: continue
        case .end, .failed: break reading
        }
    }
    importer.finish()
    _ = importer.summary.description
    try? writer.close()
    return 0
}

private let scratchFile = "/dev/shm/reprise-fuzz-pcap-\(getpid()).pcap"
