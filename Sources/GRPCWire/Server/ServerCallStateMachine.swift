import GRPCProtocol
import NIOCore
import NIOHPACK

/// The protocol logic of one server call as a value: which header blocks to send when, how the request
/// side ends, and when the stream must be reset. No I/O happens here.
struct ServerCallStateMachine {
    enum Response: Equatable {
        case idle
        case headersSent
        case finished
    }

    /// What finishing requires on the wire.
    enum FinishAction: Equatable {
        /// Nothing: the call already ended.
        case none
        /// One HEADERS frame with status and trailers and END_STREAM (no headers were sent).
        case trailersOnly(resetAfter: Bool)
        /// A trailing HEADERS frame with END_STREAM.
        case trailers(resetAfter: Bool)
    }

    private(set) var response = Response.idle
    private(set) var requestEnded = false
    private var deframer: MessageDeframer

    init(maxReceiveMessageSize: Int) {
        deframer = MessageDeframer(maxMessageSize: maxReceiveMessageSize)
    }

    var isFinished: Bool { response == .finished }

    /// Whether response headers must go out now (before a message, or on request).
    mutating func headersNeeded() -> Bool {
        guard response == .idle else { return false }
        response = .headersSent
        return true
    }

    /// Ends the response side; a stream whose request side is still open is reset (NO_ERROR) afterwards,
    /// as grpc-go's servers do, so the client stops sending.
    mutating func finish() -> FinishAction {
        switch response {
        case .finished:
            return .none
        case .idle:
            response = .finished
            return .trailersOnly(resetAfter: !requestEnded)
        case .headersSent:
            response = .finished
            return .trailers(resetAfter: !requestEnded)
        }
    }

    /// The call ended without a response (reset by the client, connection gone): nothing more is sent.
    mutating func abandon() {
        response = .finished
    }

    /// The client ended its side (END_STREAM). Returns false when it had already ended.
    mutating func requestEndReceived() -> Bool {
        guard !requestEnded else { return false }
        requestEnded = true
        return true
    }

    mutating func appendRequestData(_ data: ByteBuffer) {
        deframer.append(data)
    }

    mutating func nextRequestMessage() throws(GRPCStatus) -> MessageDeframer.Message? {
        try deframer.next()
    }

    var hasPartialRequestMessage: Bool { deframer.hasPartialMessage }
}

/// Builds the response header blocks.
enum ResponseHeaders {
    static func headers(metadata: Metadata, encoding: CompressionAlgorithm?, acceptEncoding: String?) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(4 + metadata.count)
        headers.add(name: ":status", value: "200")
        headers.add(name: "content-type", value: ContentType.grpc)
        if let encoding { headers.add(name: "grpc-encoding", value: encoding.name) }
        if let acceptEncoding { headers.add(name: "grpc-accept-encoding", value: acceptEncoding) }
        metadata.append(to: &headers)
        return headers
    }

    static func trailers(status: GRPCStatus, metadata: Metadata, trailersOnly: Bool) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(5 + metadata.count)
        if trailersOnly {
            headers.add(name: ":status", value: "200")
            headers.add(name: "content-type", value: ContentType.grpc)
        }
        headers.add(name: "grpc-status", value: String(status.code.rawValue))
        if !status.message.isEmpty {
            headers.add(name: "grpc-message", value: PercentEncoding.encode(status.message), indexing: .nonIndexable)
        }
        if let details = status.details {
            headers.add(
                name: "grpc-status-details-bin", value: Base64.encode(details.serializedBytes(), padded: false),
                indexing: .nonIndexable)
        }
        metadata.append(to: &headers)
        return headers
    }

    /// An HTTP-level rejection before any gRPC handling (wrong method or content type), grpc-go style.
    static func rejection(httpStatus: Int, status: GRPCStatus) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.add(name: ":status", value: String(httpStatus))
        headers.add(name: "content-type", value: ContentType.grpc)
        headers.add(name: "grpc-status", value: String(status.code.rawValue))
        headers.add(name: "grpc-message", value: PercentEncoding.encode(status.message))
        return headers
    }
}
