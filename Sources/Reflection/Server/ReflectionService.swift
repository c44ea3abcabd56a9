import GRPCWire
import NIOCore
import ProtoCodec
import ProtoSchema

/// A server reflection service (v1 and v1alpha) describing a pool's files, for a `GRPCServer`:
///
/// ```swift
/// var router = ServerRouter()
/// ReflectionService(pool: pool).register(on: &router)
/// ```
///
/// It answers `list_services`, `file_by_filename`, `file_containing_symbol`, `file_containing_extension`
/// and `all_extension_numbers_of_type` like grpc-go: a file comes with those of its transitive
/// dependencies not yet sent on the same stream. The reflection and health protocols' own files are
/// served too, so clients can resolve every listed service.
public final class ReflectionService: Sendable {
    /// The services `list_services` names, in order, each once.
    public let services: [String]
    let index: SymbolIndex

    /// Serves the files of `pool`. `services` defaults to every service in the pool plus the reflection
    /// services; pass the list when the server registers others (health, say) or fewer.
    public convenience init(pool: DescriptorPool, services: [String]? = nil) {
        self.init(pool: pool, services: services, hiding: [])
    }

    /// Serves the files of `pool` except `hidden` ones, as a server missing them would.
    init(pool: DescriptorPool, services: [String]?, hiding hidden: Set<String>) {
        index = SymbolIndex(pools: [pool, BuiltinProtos.pool], hiding: hidden)
        let named =
            services
            ?? pool.files.flatMap { $0.services.map(\.fullName) } + ReflectionVersion.allCases.map(\.serviceName)
        // Once each, in order: a pool that carries the reflection or health files itself (a schema fetched
        // by reflection from a real server) names those services too.
        var seen = Set<String>()
        self.services = named.filter { seen.insert($0).inserted }
    }

    /// Routes the reflection RPC of each version in `versions` to this service.
    public func register(on router: inout ServerRouter, versions: [ReflectionVersion] = ReflectionVersion.allCases) {
        for version in versions {
            let messages = ReflectionMessageTypes(version: version)
            router.register(version.path) { _ in ReflectionCallHandler(service: self, messages: messages) }
        }
    }
}

/// The message types of one protocol version.
struct ReflectionMessageTypes: Sendable {
    let request: MessageType
    let response: MessageType
    let fileDescriptorResponse: MessageType
    let listServiceResponse: MessageType
    let serviceResponse: MessageType
    let errorResponse: MessageType
    let extensionNumberResponse: MessageType

    init(version: ReflectionVersion) {
        let package = "grpc.reflection.\(version.rawValue)."
        request = BuiltinProtos.type(package + "ServerReflectionRequest")
        response = BuiltinProtos.type(package + "ServerReflectionResponse")
        fileDescriptorResponse = BuiltinProtos.type(package + "FileDescriptorResponse")
        listServiceResponse = BuiltinProtos.type(package + "ListServiceResponse")
        serviceResponse = BuiltinProtos.type(package + "ServiceResponse")
        errorResponse = BuiltinProtos.type(package + "ErrorResponse")
        extensionNumberResponse = BuiltinProtos.type(package + "ExtensionNumberResponse")
    }
}
