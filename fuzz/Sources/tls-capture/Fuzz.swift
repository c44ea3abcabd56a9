import Capture
import Foundation
import FuzzSupport

/// A TLS capture with its key log, as `reprise import --tls-keylog` reads them: the key log parser, then
/// the capture through TCP reassembly, the TLS record layer, key derivation and decryption (TLS 1.2 and
/// 1.3), and the tap. The input is a key log's length (two bytes, big-endian), the key log, then the
/// capture; the seed is `fixtures/captures/curl-tls.keys` with `curl-tls.pcap` (scripts/fuzz.sh joins them).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let keyLogLength = min(Int(data[0]) << 8 | Int(data[1]), size - 2)
    let keyLogText = String(decoding: UnsafeBufferPointer(start: data + 2, count: keyLogLength), as: UTF8.self)
    guard let keyLog = try? TLSKeyLog(parsing: keyLogText) else { return 0 }
    importCapture(Data(bytes: data + 2 + keyLogLength, count: size - 2 - keyLogLength), at: scratchFile, keyLog: keyLog)
    return 0
}

private let scratchFile = "/dev/shm/reprise-fuzz-tls-\(getpid()).pcap"
