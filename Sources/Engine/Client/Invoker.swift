import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore
import ProtoCodec

/// Receives the responses of calls started with `Client.start`, on the client's event loop.
public protocol ResponseHandler: AnyObject {
    /// A call ended (whatever its status).
    func received(_ response: Response, for call: PreparedCall)
}

/// Runs one unary call at a time for a prepared call and hands each response to its completion: the
/// `ClientCallDelegate` behind `invoke`, `asyncInvoke` and `start`. Reused by `start`-driven loops so a
/// call costs no engine allocation beyond the wire's.
final class Invoker: ClientCallDelegate {
    enum Completion {
        case promise(EventLoopPromise<Response>)
        case handler(any ResponseHandler)
    }

    let connection: ClientConnection
    let metrics: LoopMetrics?
    var call: PreparedCall
    let completion: Completion
    private var startedAt: UInt64 = 0
    private var message: ByteBuffer?
    private var extraMessages = 0

    init(connection: ClientConnection, metrics: LoopMetrics?, call: PreparedCall, completion: Completion) {
        self.connection = connection
        self.metrics = metrics
        self.call = call
        self.completion = completion
    }

    /// Starts the call (on the connection's loop: from any other thread it hops there).
    func start() {
        startedAt = NIODeadline.now().uptimeNanoseconds
        connection.startCall(path: call.method.path, request: call.request, options: call.options, delegate: self)
    }

    func callReceivedMessage(_ call: ClientCall, message: ByteBuffer) {
        if self.message == nil { self.message = message } else { extraMessages += 1 }
    }

    func callFinished(_ wireCall: ClientCall, result: CallResult) {
        let elapsed = Int64(NIODeadline.now().uptimeNanoseconds &- startedAt)
        var status = result.status
        if status.isOK {
            if message == nil {
                status = GRPCStatus(
                    code: .internalError, message: "cardinality violation: expected <EOF> after zero response messages")
            } else if extraMessages > 0 {
                status = GRPCStatus(
                    code: .internalError,
                    message:
                        "cardinality violation: expected <EOF> for non server-streaming RPCs, but received another message"
                )
            }
        }
        var response = Response(status: status.code, headers: result.headers, trailers: result.trailers)
        let received = message
        message = nil
        extraMessages = 0
        if !call.discardResponseMessage {
            if status.isOK { response.rawMessage = received }
            if call.responseFormat == .json {
                if status.isOK, let received {
                    do {
                        response.message = try call.renderer.message(received, as: call.method.outputType)
                    } catch {
                        status = GRPCStatus(
                            code: .internalError, message: "grpc: failed to unmarshal the received message: \(error)")
                        response.status = status.code
                        response.message = call.renderer.emptyMessage(call.method.outputType)
                    }
                } else {
                    response.message = call.renderer.emptyMessage(call.method.outputType)
                }
            }
        }
        if !status.isOK {
            // grpc-go keeps grpc-status-details-bin among the trailers k6 shows; the wire layer lifts it out.
            if let rich = status.details {
                response.trailers.add("grpc-status-details-bin", binary: rich.serializedBytes())
            }
            let details = status.details?.details ?? []
            response.error = ResponseError(
                code: status.code.rawValue, message: status.message, details: call.renderer.details(details),
                rawDetails: details, k6ErrorCode: status.transportFailure?.k6ErrorCode)
        }
        if let series = call.series, let metrics {
            series.record(metrics.sink, status: status, nanoseconds: elapsed)
        }
        switch completion {
        case .promise(let promise): promise.succeed(response)
        case .handler(let handler): handler.received(response, for: call)
        }
    }
}
