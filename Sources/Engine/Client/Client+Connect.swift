import Foundation
import GRPCProtocol
import GRPCWire
import Metrics
import NIOCore
import Reflection
import Synchronization

extension Client {
    /// Connects to `address` (`host:port`) and waits until the connection is ready: TCP, TLS unless
    /// `plaintext`, HTTP/2 set-up, and server reflection when `reflect` is set, all within `timeout`
    /// (60 s by default). Returns true, as k6 does. Connecting again closes the previous connection (k6
    /// leaks it).
    @discardableResult
    public func connect(_ address: String, params: ConnectParams = ConnectParams()) async throws(EngineError) -> Bool {
        let target = try Address(address)
        let started = ContinuousClock.now
        let configuration = Self.wireConfiguration(params, userAgent: self.configuration.userAgent)

        let connection: ClientConnection
        do {
            connection = try await ClientConnection.connect(
                host: target.host, port: target.port, configuration: configuration, group: self.configuration.group)
        } catch {
            let failure = Self.dialError(error, address: address)
            if failure.closesTheClient { await closeAfterFailedDial() }
            throw failure.error
        }

        if params.reflect {
            let remaining = params.timeout - (ContinuousClock.now - started)
            do {
                try await reflect(on: connection, metadata: params.reflectMetadata, timeout: remaining)
            } catch {
                await connection.close()
                throw error
            }
        }

        if let previous = install(connection, address: address, params: params) { await retire(previous) }
        return true
    }

    /// Connects to `address` again, as `connect` does but without reflection (the schema is loaded), from
    /// the event loop: no `Task`. For a long run's reconnects and fresh connections, where a dial can come
    /// with every recorded connection. The future completes once the connection is ready and is the
    /// client's; a failed dial leaves the client without a connection, as `connect` does.
    func redial(_ address: String, params: ConnectParams) -> EventLoopFuture<ClientConnection> {
        let loop = configuration.group.next()
        let connecting: EventLoopFuture<ClientConnection>
        do {
            let target = try Address(address)
            let wire = Self.wireConfiguration(params, userAgent: configuration.userAgent)
            connecting = ClientConnection.connect(
                host: target.host, port: target.port, configuration: wire, group: loop)
        } catch {
            return loop.makeFailedFuture(error)
        }
        return connecting.map { connection in
            if let previous = self.install(connection, address: address, params: params) {
                self.retireNow(previous)
            }
            return connection
        }.flatMapError { error in
            let failure = Self.dialError(error, address: address)
            guard failure.closesTheClient else { return loop.makeFailedFuture(failure.error) }
            return self.closeAfterFailedDialNow().flatMapThrowing { throw failure.error }
        }
    }

    /// The wire's configuration for a connection with `params`.
    private static func wireConfiguration(_ params: ConnectParams, userAgent: String)
        -> ClientConnection.Configuration
    {
        var configuration = ClientConnection.Configuration()
        configuration.connectTimeout = .nanoseconds(params.timeout.nanosecondsClamped)
        configuration.authority = params.authority
        configuration.userAgent = params.userAgent ?? userAgent
        if !params.plaintext {
            var tls = ClientTLSConfiguration()
            if let given = params.tls {
                tls.caCertificatesPEM = given.cacerts
                if let cert = given.cert, let key = given.key, !cert.isEmpty, !key.isEmpty {
                    tls.certificateChainPEM = cert
                    tls.privateKeyPEM = key
                    if let password = given.password, !password.isEmpty { tls.privateKeyPassword = password }
                }
            }
            if params.insecureSkipTLSVerify { tls.verification = .skip }
            configuration.tls = tls
        }
        return configuration
    }

    /// What a failed dial throws, and whether it leaves the client without a connection (as in k6; a
    /// configuration the wire refuses does not).
    private static func dialError(_ error: any Error, address: String) -> (error: EngineError, closesTheClient: Bool) {
        switch error {
        case let failure as TransportFailure: (EngineError(connecting: failure), true)
        case let error as ConfigurationError: (EngineError(.invalidParameters, error.message), false)
        case let error as EngineError: (error, false)
        default: (EngineError(.connect, "cannot connect to \(address): \(error)"), true)
        }
    }

    /// Makes `connection` the client's, with its byte counts in the loop's metrics; returns the session it
    /// replaces, for `retire`.
    private func install(_ connection: ClientConnection, address: String, params: ConnectParams) -> Session? {
        let loopMetrics = configuration.metrics?.loop(connection.eventLoop)
        loopMetrics?.track(connection.byteCounter, tags: configuration.tags)
        return state.withLock { state -> Session? in
            defer {
                state.session = Session(
                    connection: connection, address: address,
                    maxReceiveSize: params.maxReceiveSize > 0 ? params.maxReceiveSize : 4 * 1024 * 1024,
                    maxSendSize: params.maxSendSize > 0 ? params.maxSendSize : Int(Int32.max), metrics: loopMetrics)
            }
            return state.session
        }
    }

    /// Runs server reflection and adds what it finds to the schema; its duration is a `grpc_req_duration`
    /// sample with the base tags and `status` only, as in k6.
    private func reflect(on connection: ClientConnection, metadata: Metadata, timeout: Duration)
        async throws(EngineError)
    {
        let started = NIODeadline.now()
        var status = GRPCStatus.ok
        defer {
            if let series = bareSeries(), let metrics = configuration.metrics {
                let loop = metrics.loop(connection.eventLoop)
                let elapsed = Int64(NIODeadline.now().uptimeNanoseconds - started.uptimeNanoseconds)
                let final = status
                loop.eventLoop.execute { series.record(loop.sink, status: final, nanoseconds: elapsed) }
            }
        }
        do {
            let result = try await ReflectionClient.fetch(
                on: connection, metadata: metadata, timeout: .nanoseconds(max(timeout.nanosecondsClamped, 1)))
            try add(result.files)
        } catch let error as ReflectionError {
            status = error.status ?? GRPCStatus(code: .unknown, message: error.message)
            var failure = EngineError(.reflection, error.message)
            failure.status = error.status
            throw failure
        } catch let error as EngineError {
            status = GRPCStatus(code: .unknown, message: error.message)
            throw EngineError(.reflection, "can't convert method info: \(error.message)")
        } catch {
            status = GRPCStatus(code: .unknown, message: "\(error)")
            throw EngineError(.reflection, "\(error)")
        }
    }
}
