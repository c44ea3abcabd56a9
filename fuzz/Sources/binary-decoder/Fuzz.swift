import FuzzSupport
import ProtoCodec

/// Binary protobuf against the codec fixtures' schema: byte 0 picks the type, byte 1 the options, the rest
/// is the message. What decodes must encode again (binary and JSON) and decode to an equal message, and its
/// JSON written straight from the bytes must be the decoded message's.
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
    // JSON straight from the bytes must be what the decoded message writes, and fail where that fails.
    let jsonOptions = JSONEncodingOptions.with { $0.pretty = flags & 8 != 0 }
    var transcoded: [UInt8] = []
    let transcodes =
        (try? DynamicMessage.appendJSONUTF8Bytes(
            transcoding: payload, of: type, to: &transcoded, options: jsonOptions, decoding: options)) != nil
    guard let message = try? DynamicMessage(type: type, serializedBytes: payload, options: options) else {
        precondition(!transcodes, "\(type): JSON straight from bytes the decoder refuses")
        return 0
    }
    var written: [UInt8] = []
    let writes = (try? message.appendJSONUTF8Bytes(to: &written, options: jsonOptions)) != nil
    precondition(
        transcodes == writes && (!writes || transcoded == written), "\(type): JSON straight from bytes differs")
    let encoding = BinaryEncodingOptions.with {
        $0.allowPartial = true
        $0.deterministic = flags & 4 != 0
    }
    guard let bytes = try? message.serializedBytes(options: encoding) else { return 0 }
    let again = try? DynamicMessage(type: type, serializedBytes: bytes, options: .with { $0.allowPartial = true })
    precondition(again != nil, "\(type): re-encoded bytes do not decode")
    return 0
}
