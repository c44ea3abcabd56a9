import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore
import Synchronization

/// One connection to a server for a long run, pinned to an event loop: when it closes or the server
/// sends GOAWAY it is replaced, with exponential backoff between failed attempts, so calls resume once
/// the server is back. While there is none, calls fail at once with `unavailable` (counted, never hidden).
///
/// ```swift
/// let connection = ReconnectingConnection(client: client, address: "127.0.0.1:50051", params: params)
/// try await connection.connect()             // the first connection must succeed
/// connection.eventLoop.execute { runner.start(call, on: connection.current(), ...) }
/// ```
public final class ReconnectingConnection: @unchecked Sendable {
    /// The loop the connection lives on (the client's group must be this loop).
    public let eventLoop: any EventLoop
    /// The client that dials (its configuration's group pins it to `eventLoop`).
    public let client: Client
    /// Where it connects.
    public let address: String
    private let params: ConnectParams
    private let minimumBackoff: Duration
    private let maximumBackoff: Duration
    private let counters = Mutex(Counters())

    // Confined to `eventLoop`.
    private var connection: ClientConnection?
    private var reconnecting = false
    private var closed = false
    private var backoff: Duration
    private var down: GRPCStatus
    private var opening = false
    private var settled: (() -> Void)?

    /// How often the connection was lost and replaced.
    public struct Counters: Sendable {
        /// Connections lost (closed, failed or told to go away).
        public var lost = 0
        /// Attempts to connect again that failed.
        public var failedAttempts = 0
        /// Connections made again.
        public var reconnected = 0
        /// Connections opened anew on purpose (``ReconnectingConnection/replace()``), the first not counted.
        public var renewed = 0

        /// No losses yet.
        public init() {}
    }

    /// A connection for `client` to `address`, not yet connected.
    public init(
        client: Client, address: String, params: ConnectParams, minimumBackoff: Duration = .milliseconds(50),
        maximumBackoff: Duration = .seconds(2)
    ) {
        self.client = client
        self.address = address
        self.params = params
        self.eventLoop = client.configuration.group.next()
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        backoff = minimumBackoff
        down = Self.unavailable(address, "not connected yet")
    }

    /// Connects for the first time; throws as `Client.connect` does.
    public func connect() async throws(EngineError) {
        try await client.connect(address, params: params)
        guard let connection = client.connection else {
            throw EngineError(.connect, "the connection to \(address) closed as it opened")
        }
        try? await eventLoop.submit { self.adopt(connection) }.get()
    }

    /// What happened to the connection so far.
    public var counts: Counters { counters.withLock { $0 } }

    /// The connection if it takes calls; nil while it is being replaced (a replacement starts if none is
    /// under way). On `eventLoop` only.
    public func current() -> ClientConnection? {
        if let connection, connection.isAcceptingCalls { return connection }
        lost()
        return nil
    }

    /// The status calls get while there is no connection: `unavailable`, saying why.
    public var unavailableStatus: GRPCStatus { down }

    /// True from ``replace()`` until the fresh connection is up or its first attempt has failed: calls
    /// meant for it should wait (``whenSettled(_:)`` says when) rather than fail. On `eventLoop` only.
    public var isOpening: Bool { opening }

    /// Runs `body` on `eventLoop` each time a ``replace()`` settles: the fresh connection is up, or its
    /// first attempt failed (`current()` is then nil and attempts go on with backoff). Set once, before
    /// the first `replace()`.
    public func whenSettled(_ body: @escaping () -> Void) {
        settled = body
    }

    /// Opens a fresh connection for the calls from here on, as a client that connects anew does: the
    /// current one takes no more calls and closes, with a GOAWAY, once its open calls have ended (they are
    /// not cut short). Until the fresh one is up, ``isOpening`` is true. On `eventLoop` only.
    public func replace() {
        guard !closed else { return }
        if let connection {
            self.connection = nil
            connection.closeWhenIdle()
        }
        opening = true
        down = Self.unavailable(address, "a fresh connection is being opened")
        if !reconnecting {
            reconnecting = true
            attempt(after: .zero)
        }
    }

    /// Closes the connection and stops replacing it.
    public func close() async {
        try? await eventLoop.submit {
            self.closed = true  // no replacement from here on
            self.reconnecting = true
            self.connection = nil
        }.get()
        await client.close()
    }

    private func adopt(_ connection: ClientConnection) {
        self.connection = connection
        reconnecting = false
        backoff = minimumBackoff
        connection.closeFuture.whenComplete { [self] _ in
            eventLoop.execute {
                if self.connection === connection { self.lost() }
            }
        }
    }

    private func lost() {
        guard !reconnecting else { return }
        reconnecting = true
        if connection != nil {
            connection = nil
            counters.withLock { $0.lost += 1 }
            down = Self.unavailable(address, "the connection was lost; reconnecting")
        }
        attempt(after: .zero)
    }

    private func attempt(after delay: Duration) {
        eventLoop.scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) { [self] in
            guard !closed else { return }
            // Dialled from the loop (no `Task`): with fresh connections a dial comes with every recorded one.
            client.redial(address, params: params).hop(to: eventLoop).whenComplete { [self] result in
                switch result {
                case .success(let made):
                    if closed {
                        // Closed while dialling: the new connection is not wanted.
                        client.closeNow()
                        return
                    }
                    let renewal = opening
                    counters.withLock {
                        if renewal { $0.renewed += 1 } else { $0.reconnected += 1 }
                    }
                    adopt(made)
                    settle()
                case .failure(let error):
                    if !closed { retry(Self.unavailable(address, "\(error)")) }
                }
            }
        }
    }

    /// A `replace()` is over, one way or the other: the calls waiting for it can go.
    private func settle() {
        guard opening else { return }
        opening = false
        settled?()
    }

    private func retry(_ status: GRPCStatus) {
        counters.withLock { $0.failedAttempts += 1 }
        down = status
        settle()
        let delay = backoff
        backoff = min(backoff * 2, maximumBackoff)
        attempt(after: delay)
    }

    private static func unavailable(_ address: String, _ why: String) -> GRPCStatus {
        GRPCStatus(
            code: .unavailable, message: "no connection to \(address): \(why)",
            transportFailure: TransportFailure(.connectionClosed, "no connection to \(address): \(why)"))
    }
}
