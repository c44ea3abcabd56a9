import FuzzSupport
import ProtoCodec

/// Binary protobuf against the codec fixtures' schema: byte 0 picks the type, byte 1 the options, the rest
/// is the message. What decodes must encode again (binary and JSON) and decode to an equal message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    guard let (type, flags) = CodecSchema.header(of: &input) else { return 0 }
    let options = BinaryDecodingOptions.with {
        $0.allowPartial = flags & 1 != 0
        $0.discardUnknownFields = flags & 2 != 0
    }
    let payload = UnsafeRawBufferPointer(input.rest())
    _ = try? RawMessage(serializedBytes: payload).jsonValue
    guard let message = try? DynamicMessage(type: type, serializedBytes: payload, options: options) else { return 0 }
    let encoding = BinaryEncodingOptions.with {
        $0.allowPartial = true
        $0.deterministic = flags & 4 != 0
    }
    guard let bytes = try? message.serializedBytes(options: encoding) else { return 0 }
    let again = try? DynamicMessage(type: type, serializedBytes: bytes, options: .with { $0.allowPartial = true })
    precondition(again != nil, "\(type): re-encoded bytes do not decode")
    _ = try? message.jsonString(options: .with { $0.pretty = flags & 8 != 0 })
    return 0
}
