import ArgumentParser
import NIOCore
import ProtoSchema
import Proxy

extension RecordCommand {
    /// The schema served by the upstream's reflection service.
    func reflectedSchema(
        configuration: ProxyConfiguration, group: any EventLoopGroup
    ) async throws -> (DescriptorPool?, [String]) {
        throw CommandError(
            "--reflect is not available in this build yet (the reflection client lands with the engine); "
                + "give the schema with --protoset FILE or -I DIR --proto FILE")
    }
}
