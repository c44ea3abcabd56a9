import FuzzSupport
import ProtoCodec

/// Proto3 JSON against the codec fixtures' schema: byte 0 picks the type, byte 1 the options, the rest is
/// the JSON text. What decodes must encode again (JSON and binary).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    guard let (type, flags) = CodecSchema.header(of: &input) else { return 0 }
    let options = JSONDecodingOptions.with {
        $0.ignoreUnknownFields = flags & 1 != 0
        $0.allowPartial = flags & 2 != 0
    }
    let text = UnsafeRawBufferPointer(input.rest())
    guard let message = try? DynamicMessage(type: type, jsonUTF8Bytes: text, options: options) else { return 0 }
    _ = try? message.serializedBytes(options: .with { $0.allowPartial = true })
    _ = try? message.jsonString(options: .with { $0.useProtoNames = flags & 4 != 0 })
    return 0
}
