import DemoServer
import FuzzSupport
import NIOCore
import Recording
import Tap

/// The passive HTTP/2 decoder, HPACK and gRPC deframing, through the recorder (writing to /dev/null, with
/// the demo schema so messages are decoded too). The input is a list of chunks: a control byte (bit 0:
/// the server sent it, bit 1: connection 2; 0xFF closes connection 1), a 16-bit big-endian length, the
/// bytes. Connection 2 is joined midway (a capture that began after it did): frame-boundary search, a
/// partial HPACK table and method inference get the same input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = RecordingHeader(source: RecordingSource(kind: "capture"), schema: nil)
    guard let writer = try? RecordingWriter(path: "/dev/null", header: header, sync: .never, overwrite: true),
        let session = try? RecordingSession(writer: writer, registry: DemoSchema.registry)
    else { fatalError("cannot write a recording to /dev/null") }
    let recorder = TapRecorder(session: session)
    recorder.joinMidway(connection: 2)
    var input = FuzzInput(data, size)
    var time: Int64 = 0
    while let control = input.byte() {
        time += 1_000
        if control == 0xFF {
            recorder.close(connection: 1, reason: "the input closed it", time: time)
            continue
        }
        let high = Int(input.byte() ?? 0)
        let length = high << 8 | Int(input.byte() ?? 0)
        let chunk = input.bytes(length)
        recorder.feed(
            connection: control & 2 == 0 ? 1 : 2, from: control & 1 == 0 ? .client : .server,
            bytes: ByteBuffer(bytes: chunk), time: time)
    }
    try? writer.close()
    return 0
}
