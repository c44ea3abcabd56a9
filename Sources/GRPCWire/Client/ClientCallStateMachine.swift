import GRPCProtocol
import NIOCore
import NIOHPACK
import NIOHTTP2

/// The protocol logic of one client call as a value: it takes the frames the server sent and says what to
/// do (deliver headers, deliver messages, finish with a status, reset the stream). No I/O happens here.
struct ClientCallStateMachine {
    enum Receive: Equatable {
        case awaitingHeaders
        case messages(ResponseHead.EncodingName)
        case done
    }

    enum Action {
        case none
        case deliverHeaders(Metadata)
        /// The call ends; `resetStream` says whether the stream must be reset (it is still open on our side).
        case finish(CallResult, resetStream: Bool)
    }

    private(set) var receive = Receive.awaitingHeaders
    /// Whether END_STREAM went out on our side.
    var requestEnded = false
    private(set) var headers: Metadata = [:]
    private var deframer: MessageDeframer
    private let maxReceiveMessageSize: Int
    private let acceptedEncodings: [CompressionAlgorithm]

    init(maxReceiveMessageSize: Int, acceptedEncodings: [CompressionAlgorithm]) {
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.acceptedEncodings = acceptedEncodings
        deframer = MessageDeframer(maxMessageSize: maxReceiveMessageSize)
    }

    var isDone: Bool { receive == .done }

    /// A HEADERS frame from the server.
    mutating func receivedHeaders(_ block: HPACKHeaders, endStream: Bool) -> Action {
        switch receive {
        case .awaitingHeaders:
            switch ResponseHead.initial(block, endStream: endStream) {
            case .headers(let metadata, let encoding):
                guard endStream == false else { return finish(.internalError, "protocol error: headers ended") }
                headers = metadata
                receive = .messages(encoding)
                return .deliverHeaders(metadata)
            case .end(let status, let trailers):
                return finish(status, trailers: trailers, resetStream: !(endStream && requestEnded), fromServer: true)
            }
        case .messages:
            guard endStream else {
                return finish(.internalError, "protocol error: a second header block without END_STREAM")
            }
            if deframer.hasPartialMessage {
                return finish(.internalError, "server closed the stream in the middle of a message")
            }
            guard case .end(let status, let trailers) = ResponseHead.trailers(block) else {
                return finish(.internalError, "protocol error: unreadable trailers")
            }
            return finish(status, trailers: trailers, resetStream: !requestEnded, fromServer: true)
        case .done:
            return .none
        }
    }

    /// Adds the payload of a DATA frame; read the messages with `nextMessage` afterwards.
    mutating func receivedData(_ data: ByteBuffer) -> Action {
        switch receive {
        case .awaitingHeaders:
            return finish(.internalError, "protocol error: DATA before response headers")
        case .messages:
            deframer.append(data)
            return .none
        case .done:
            return .none
        }
    }

    /// The next complete message, decompressed; `.failure` carries the finishing action.
    mutating func nextMessage(
        cache: CompressionCache, allocator: ByteBufferAllocator
    ) -> Result<(ByteBuffer, wireLength: Int)?, FinishAction> {
        guard case .messages(let encodingName) = receive else { return .success(nil) }
        do throws(GRPCStatus) {
            guard let message = try deframer.next() else { return .success(nil) }
            var encoding: CompressionAlgorithm?
            if message.isCompressed {
                switch encodingName {
                case .supported(let algorithm) where acceptedEncodings.contains(algorithm):
                    encoding = algorithm
                case .supported(let algorithm):
                    throw GRPCStatus(
                        code: .unimplemented,
                        message: "grpc: Decompressor is not installed for grpc-encoding \"\(algorithm.name)\"")
                case .unsupported(let name):
                    throw GRPCStatus(
                        code: .unimplemented,
                        message: "grpc: Decompressor is not installed for grpc-encoding \"\(name)\"")
                case .identity:
                    encoding = nil
                }
            }
            let payload = try message.decodedPayload(
                encoding: encoding, cache: cache, limit: maxReceiveMessageSize, allocator: allocator)
            return .success((payload, message.wireLength))
        } catch {
            return .failure(FinishAction(action: finish(error, trailers: [:], resetStream: true)))
        }
    }

    /// A finishing action wrapped so it can travel in a `Result`.
    struct FinishAction: Error {
        var action: Action
    }

    /// END_STREAM arrived on a DATA frame: the server ended without trailers.
    mutating func receivedEndOfStreamOnData() -> Action {
        guard receive != .done else { return .none }
        return finish(.internalError, "server closed the stream without sending trailers", resetStream: false)
    }

    /// The server reset the stream.
    mutating func receivedReset(_ code: HTTP2ErrorCode) -> Action {
        guard receive != .done else { return .none }
        let status = GRPCStatus(
            code: Self.statusCode(forReset: code),
            message: "stream terminated by RST_STREAM with error code: \(TransportFailure.name(of: code))",
            transportFailure: TransportFailure(
                .streamError, "the server reset the stream with \(TransportFailure.name(of: code))",
                http2ErrorCode: code, isSafeToRetry: code == .refusedStream))
        return finish(status, trailers: [:], resetStream: false)
    }

    /// The call ends locally (deadline, cancellation, transport failure, bad request).
    mutating func finishLocally(_ status: GRPCStatus, streamOpen: Bool) -> Action {
        guard receive != .done else { return .none }
        return finish(status, trailers: [:], resetStream: streamOpen)
    }

    private mutating func finish(_ code: StatusCode, _ message: String, resetStream: Bool = true) -> Action {
        finish(GRPCStatus(code: code, message: message), trailers: [:], resetStream: resetStream)
    }

    private mutating func finish(_ status: GRPCStatus, trailers: Metadata, resetStream: Bool, fromServer: Bool = false)
        -> Action
    {
        receive = .done
        var result = CallResult(status: status, headers: headers, trailers: trailers)
        result.fromServer = fromServer
        return .finish(result, resetStream: resetStream)
    }

    /// grpc-go's mapping of RST_STREAM error codes to statuses.
    static func statusCode(forReset code: HTTP2ErrorCode) -> StatusCode {
        switch code {
        case .refusedStream: return .unavailable
        case .cancel: return .cancelled
        case .enhanceYourCalm: return .resourceExhausted
        case .inadequateSecurity: return .permissionDenied
        case .flowControlError: return .resourceExhausted
        default: return .internalError
        }
    }
}
