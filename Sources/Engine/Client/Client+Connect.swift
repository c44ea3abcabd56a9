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
        var configuration = ClientConnection.Configuration()
        configuration.connectTimeout = .nanoseconds(params.timeout.nanosecondsClamped)
        configuration.authority = params.authority
        configuration.userAgent = params.userAgent ?? self.configuration.userAgent
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

        let connection: ClientConnection
        do {
            connection = try await ClientConnection.connect(
                host: target.host, port: target.port, configuration: configuration, group: self.configuration.group)
        } catch let failure as TransportFailure {
            await closeAfterFailedDial()  // as in k6, a failed dial leaves the client without a connection
            throw EngineError(connecting: failure)
        } catch let error as ConfigurationError {
            throw EngineError(.invalidParameters, error.message)
        } catch {
            await closeAfterFailedDial()
            throw EngineError(.connect, "cannot connect to \(address): \(error)")
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

        let loopMetrics = self.configuration.metrics?.loop(connection.eventLoop)
        loopMetrics?.track(connection.byteCounter, tags: self.configuration.tags)
        let previous = state.withLock { state -> Session? in
            defer {
                state.session = Session(
                    connection: connection, address: address,
                    maxReceiveSize: params.maxReceiveSize > 0 ? params.maxReceiveSize : 4 * 1024 * 1024,
                    maxSendSize: params.maxSendSize > 0 ? params.maxSendSize : Int(Int32.max), metrics: loopMetrics)
            }
            return state.session
        }
        if let previous { await retire(previous) }
        return true
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
