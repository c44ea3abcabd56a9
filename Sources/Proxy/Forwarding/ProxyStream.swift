/// One stream as the proxy forwards it: the same id on both connections, each side's state, and the flow
/// control credit owed to each side.
struct ProxyStream {
    /// Credit owed to the client for request bytes written to the server.
    var requestCredit: WindowCredit
    /// Credit owed to the server for response bytes written to the client.
    var responseCredit: WindowCredit
    /// Whether NIO still has the stream open on the client connection.
    var downstreamOpen = true
    /// Whether NIO still has the stream open on the server connection.
    var upstreamOpen = true
    /// The client sent END_STREAM: it sends no more data, so no stream credit is owed.
    var clientEnded = false
    /// The server sent END_STREAM.
    var serverEnded = false
    /// An RST_STREAM went from one side to the other; NIO's closure events need no further action.
    var resetForwarded = false
    /// The recorder was told the call ended (trailers, reset or failure).
    var recordedEnd = false

    init(windowSize: Int) {
        requestCredit = WindowCredit(size: windowSize)
        responseCredit = WindowCredit(size: windowSize)
    }
}
