/// Which way a message went.
public enum MessageDirection: String, Sendable, Hashable, CaseIterable {
    /// Client to server.
    case request
    /// Server to client.
    case response
}

/// One end of a call.
public enum CallSide: String, Sendable, Hashable, CaseIterable {
    /// The client (downstream of the proxy).
    case client
    /// The server (upstream of the proxy).
    case server
}
