import ArgumentParser
import Foundation
import GRPCWire
import NIOCore
import ProtoSchema
import Proxy
import Reflection
import SwiftProtobuf

extension RecordCommand {
    /// The schema served by the upstream's reflection service, fetched once before the proxy starts, over
    /// its own connection (so the reflection call is never recorded), with the proxy's upstream TLS.
    func reflectedSchema(
        configuration: ProxyConfiguration, group: any EventLoopGroup
    ) async throws -> (DescriptorPool?, [String]) {
        let metadata = try reflectionMetadata()
        var client = ClientConnection.Configuration.defaults
        client.tls = configuration.upstreamTLS
        let connection: ClientConnection
        do {
            connection = try await ClientConnection.connect(
                host: configuration.upstreamHost, port: configuration.upstreamPort, configuration: client,
                group: group
            ).get()
        } catch {
            throw CommandError("--reflect: cannot reach the server \(configuration.upstreamTarget): \(error)")
        }
        let result: ReflectionClient.Result
        do {
            result = try await ReflectionClient.fetch(
                on: connection, metadata: metadata, timeout: .seconds(30))
            await connection.close()
        } catch {
            await connection.close()
            throw CommandError(
                "--reflect: the server \(configuration.upstreamTarget) did not give its schema: \(error); "
                    + "give it with --protoset FILE or -I DIR --proto FILE instead")
        }
        let pool: DescriptorPool
        do {
            pool = try DescriptorPool(files: result.files)
        } catch {
            throw CommandError("--reflect: the schema the server sent does not link: \(error)")
        }
        // The files that define the listed services (reflection's own included: it is part of the API).
        let files = result.files.map(\.name).filter { !(pool.file(named: $0)?.services.isEmpty ?? true) }
        return (pool, files)
    }

    /// `--reflect-metadata KEY:VALUE` pairs.
    private func reflectionMetadata() throws -> Metadata {
        var metadata = Metadata()
        for pair in reflectMetadata {
            guard let colon = pair.firstIndex(of: ":"), colon != pair.startIndex else {
                throw ValidationError("--reflect-metadata takes KEY:VALUE; got \"\(pair)\".")
            }
            let key = pair[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = pair[pair.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            metadata.add(key, value)
        }
        return metadata
    }
}
