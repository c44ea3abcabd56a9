import GRPCProtocol
import GRPCWire
import NIOCore
import NIOPosix
import Synchronization

/// A gRPC server that writes down what it sees, in order, per call: messages received and sent, the
/// client's half-close and cancel, the deadline and the client's port. Its answers are scripted per method.
final class WitnessServer: Sendable {
    /// One thing the server saw or did.
    enum Event: Equatable, Sendable {
        case received(Int)
        case sent(Int)
        case halfClosed
        case cancelled
    }

    /// What one call looked like from the server.
    struct CallLog: Sendable {
        var path: String
        var deadline: Duration?
        var clientPort: Int?
        var userAgent: String?
        var events: [Event] = []
    }

    /// The calls seen, shared with the handlers.
    final class Logs: Sendable {
        let calls = Mutex<[CallLog]>([])
    }

    let server: GRPCServer
    private let logs: Logs

    var address: String { "127.0.0.1:\(server.port)" }
    var calls: [CallLog] { logs.calls.withLock { $0 } }

    private init(server: GRPCServer, logs: Logs) {
        self.server = server
        self.logs = logs
    }

    /// The scripted methods:
    /// - `/witness.W/Echo`: each request message is echoed after `delay` (bidirectional); the call ends
    ///   OK once the client half-closed and every echo went out.
    /// - `/witness.W/Unary`: answers the request with `[1, 2, 3]` and OK.
    /// - `/witness.W/NotFound`: answers with the message `[7, 7]` and then NOT_FOUND "gone".
    /// - `/witness.W/Hold`: sends one message per request at once and never ends by itself.
    static func start(port: Int = 0, delay: TimeAmount = .milliseconds(150)) async throws -> WitnessServer {
        let logs = Logs()
        var router = ServerRouter()
        router.fallback { call in
            let index = logs.calls.withLock { logs in
                logs.append(
                    CallLog(
                        path: call.path,
                        deadline: call.deadline.map {
                            .nanoseconds(Int64($0.uptimeNanoseconds) - Int64(NIODeadline.now().uptimeNanoseconds))
                        },
                        clientPort: call.remoteAddress?.port,
                        userAgent: call.requestMetadata.first("user-agent")?.text))
                return logs.count - 1
            }
            return Handler(index: index, logs: logs, delay: delay)
        }
        let server = try await GRPCServer.start(
            port: port, router: router, group: MultiThreadedEventLoopGroup.singleton)
        return WitnessServer(server: server, logs: logs)
    }

    func stop() async { await server.close() }

    private final class Handler: ServerCallHandler, @unchecked Sendable {
        let index: Int
        let logs: Logs
        let delay: TimeAmount
        var received = 0
        var pending = 0
        var halfClosed = false

        init(index: Int, logs: Logs, delay: TimeAmount) {
            self.index = index
            self.logs = logs
            self.delay = delay
        }

        private func log(_ event: Event) { logs.calls.withLock { $0[index].events.append(event) } }

        func received(_ message: ByteBuffer, call: ServerCall) {
            received += 1
            let number = received
            log(.received(number))
            switch call.path {
            case "/witness.W/Echo":
                pending += 1
                call.eventLoop.scheduleTask(in: delay) {
                    guard !call.isFinished else { return }
                    call.send(message)
                    self.log(.sent(number))
                    self.pending -= 1
                    if self.halfClosed, self.pending == 0 { call.finish() }
                }
            case "/witness.W/Unary":
                call.respond(ByteBuffer(bytes: [1, 2, 3]))
            case "/witness.W/NotFound":
                call.send(ByteBuffer(bytes: [7, 7]))
                call.finish(GRPCStatus(code: .notFound, message: "gone"))
            case "/witness.W/Hold":
                call.send(message)
                log(.sent(number))
            default:
                call.finish(GRPCStatus(code: .unimplemented, message: call.path))
            }
        }

        func receivedEnd(call: ServerCall) {
            log(.halfClosed)
            halfClosed = true
            if call.path == "/witness.W/Echo", pending == 0 { call.finish() }
        }

        func cancelled(call: ServerCall, status: GRPCStatus) {
            log(.cancelled)
        }
    }
}
