import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoCodec

/// What every demo method does with a call: echo `x-` metadata, honour `x-response-compression`, decode
/// requests and encode responses of the demo schema.
enum DemoCall {
    /// The request metadata whose keys start with `x-`, echoed in response headers and trailers.
    static func echoed(_ call: ServerCall) -> Metadata {
        var echoed = Metadata()
        for entry in call.requestMetadata where entry.key.hasPrefix("x-") {
            echoed.add(entry.key, value: entry.value)
        }
        return echoed
    }

    /// Starts the response: compression as asked, headers with the echoed metadata. Returns the trailers.
    static func begin(_ call: ServerCall) -> Metadata {
        if let name = call.requestMetadata.first("x-response-compression")?.text {
            call.responseCompression = CompressionAlgorithm(named: name)
        }
        let echoed = echoed(call)
        call.sendHeaders(echoed)
        return echoed
    }

    /// Decodes a request of `type`, or ends the call as grpc-go does for bytes that do not parse.
    static func decode(_ buffer: ByteBuffer, as type: MessageType, call: ServerCall) -> DynamicMessage? {
        do {
            return try buffer.withUnsafeReadableBytes { try DynamicMessage(type: type, serializedBytes: $0) }
        } catch {
            call.finish(GRPCStatus(code: .internalError, message: "grpc: error unmarshalling request: \(error)"))
            return nil
        }
    }

    /// The binary encoding of a response (demo responses always encode).
    static func encode(_ message: DynamicMessage) -> ByteBuffer {
        let encoding = try! BinaryEncoding(message)
        var buffer = ByteBufferAllocator().buffer(capacity: encoding.count)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encoding.count) { encoding.write(into: $0) }
        return buffer
    }

    /// Ends the call with one response and OK, the echoed metadata as trailers.
    static func respond(_ call: ServerCall, _ message: DynamicMessage, trailers: Metadata) {
        call.send(encode(message))
        call.finish(.ok, trailers: trailers)
    }

    /// `Metadata.Value` as text for `EchoReply.metadata`: binary values in standard base64.
    static func text(_ value: Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .binary(let bytes): Base64.encode(bytes)
        }
    }
}

/// The demo schema's message types, resolved once.
enum DemoTypes {
    static let helloRequest = DemoSchema.type("demo.v1.HelloRequest")
    static let helloReply = DemoSchema.type("demo.v1.HelloReply")
    static let echoRequest = DemoSchema.type("demo.v1.EchoRequest")
    static let echoReply = DemoSchema.type("demo.v1.EchoReply")
    static let metadataEntry = DemoSchema.type("demo.v1.MetadataEntry")
    static let countdownRequest = DemoSchema.type("demo.v1.CountdownRequest")
    static let countdownReply = DemoSchema.type("demo.v1.CountdownReply")
    static let sumRequest = DemoSchema.type("demo.v1.SumRequest")
    static let sumReply = DemoSchema.type("demo.v1.SumReply")
    static let chatMessage = DemoSchema.type("demo.v1.ChatMessage")
    static let sleepRequest = DemoSchema.type("demo.v1.SleepRequest")
    static let sleepReply = DemoSchema.type("demo.v1.SleepReply")
    static let failRequest = DemoSchema.type("demo.v1.FailRequest")
    static let failReply = DemoSchema.type("demo.v1.FailReply")
    static let blobRequest = DemoSchema.type("demo.v1.BlobRequest")
    static let blobReply = DemoSchema.type("demo.v1.BlobReply")
    static let errorInfo = DemoSchema.type("google.rpc.ErrorInfo")
    static let badRequest = DemoSchema.type("google.rpc.BadRequest")
    static let fieldViolation = DemoSchema.type("google.rpc.BadRequest.FieldViolation")
    static let helloServiceRequest = DemoSchema.type("hello.HelloRequest")
    static let helloServiceResponse = DemoSchema.type("hello.HelloResponse")
}

extension Value {
    /// The payload of an `int32` value.
    var int32: Int32? { if case .int32(let value) = self { value } else { nil } }
    /// The payload of an `int64` value.
    var int64: Int64? { if case .int64(let value) = self { value } else { nil } }
}
