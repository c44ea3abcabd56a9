import Capture
import Foundation
import Recording

/// A capture file read as `reprise import` reads one: libpcap (or Reprise's pcapng reader), the packet
/// parser, TCP reassembly, TLS decryption when `keyLog` is given, and the tap, into a recording written to
/// /dev/null. libpcap reads files only, so the bytes are written to `path` (in /dev/shm) first.
public func importCapture(_ bytes: Data, at path: String, keyLog: TLSKeyLog? = nil) {
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { fatalError("cannot write \(path)") }
    guard let source = try? PacketSource(file: path) else { return }
    let header = RecordingHeader(source: RecordingSource(kind: "capture"), schema: nil)
    guard let writer = try? RecordingWriter(path: "/dev/null", header: header, sync: .never, overwrite: true),
        let session = try? RecordingSession(writer: writer, registry: nil)
    else { fatalError("cannot write a recording to /dev/null") }
    var configuration = CaptureImporter.Configuration()
    configuration.tlsKeyLog = keyLog
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
}
