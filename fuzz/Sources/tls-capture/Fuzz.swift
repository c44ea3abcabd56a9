import Capture
import Foundation
import Recording

/// A TLS capture with its key log, as `reprise import --tls-keylog` reads them: the key log parser, then
/// libpcap's reader, TCP reassembly, the TLS record layer, key derivation and decryption (TLS 1.2 and 1.3),
/// and the tap behind them. The input is a key log's length (two bytes, big-endian), the key log, then the
/// capture; the seed is `fixtures/captures/curl-tls.keys` with `curl-tls.pcap` (scripts/fuzz.sh joins them).
/// libpcap reads files only, so the capture is written to one in /dev/shm.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let keyLogLength = min(Int(data[0]) << 8 | Int(data[1]), size - 2)
    let keyLogText = String(decoding: UnsafeBufferPointer(start: data + 2, count: keyLogLength), as: UTF8.self)
    guard let keyLog = try? TLSKeyLog(parsing: keyLogText) else { return 0 }
    let capture = Data(bytes: data + 2 + keyLogLength, count: size - 2 - keyLogLength)
    let path = scratchFile
    guard FileManager.default.createFile(atPath: path, contents: capture) else { fatalError("cannot write \(path)") }
    guard let source = try? PacketSource(file: path) else { return 0 }
    let header = RecordingHeader(source: RecordingSource(kind: "capture"), schema: nil)
    guard let writer = try? RecordingWriter(path: "/dev/null", header: header, sync: .never, overwrite: true),
        let session = try? RecordingSession(writer: writer, registry: nil)
    else { fatalError("cannot write a recording to /dev/null") }
    var configuration = CaptureImporter.Configuration()
    configuration.tlsKeyLog = keyLog
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

private let scratchFile = "/dev/shm/reprise-fuzz-tls-\(getpid()).pcap"
