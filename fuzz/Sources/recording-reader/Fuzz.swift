import ProtoCodec
import Recording

/// The recording reader: the input is a recording file (JSON Lines). What reads is grouped into calls, and
/// an embedded schema is loaded as the replayer would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let recording = try? Recording(parsing: Array(UnsafeBufferPointer(start: data, count: size))) else {
        return 0
    }
    _ = recording.calls
    if let schema = recording.header.schema, let pool = try? schema.makePool() {
        _ = try? MessageRegistry(pool: pool)
    }
    return 0
}
