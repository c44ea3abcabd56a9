import Foundation
import FuzzSupport

/// A capture file through libpcap's reader (or Reprise's pcapng reader), the packet parser, TCP reassembly
/// and the tap, as `reprise import` reads one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    importCapture(Data(bytes: data, count: size), at: scratchFile)
    return 0
}

private let scratchFile = "/dev/shm/reprise-fuzz-pcap-\(getpid()).pcap"
