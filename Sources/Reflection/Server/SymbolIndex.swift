import ProtoSchema

/// Which file defines each symbol of a set of pools, and which extensions extend which message: what a
/// reflection server needs to answer `file_containing_symbol` and `file_containing_extension`.
struct SymbolIndex: @unchecked Sendable {
    private(set) var files: [String: ProtoSchema.FileDescriptor] = [:]
    private(set) var symbols: [String: ProtoSchema.FileDescriptor] = [:]
    private(set) var extensions: [String: [Int32: ProtoSchema.FileDescriptor]] = [:]

    /// Files never served, as if the server lacked them (tests of clients' tolerance).
    private(set) var hidden: Set<String> = []

    /// Indexes the pools in order; the first definition of a name wins.
    init(pools: [DescriptorPool], hiding hidden: Set<String> = []) {
        self.hidden = hidden
        for pool in pools {
            for file in pool.files where files[file.name] == nil && !hidden.contains(file.name) {
                files[file.name] = file
                index(file)
            }
        }
    }

    private mutating func index(_ file: ProtoSchema.FileDescriptor) {
        func add(_ name: String) { if symbols[name] == nil { symbols[name] = file } }
        func addExtension(_ field: FieldDescriptor) {
            add(field.fullName)
            guard let extendee = field.containingType?.fullName else { return }
            if extensions[extendee, default: [:]][field.number] == nil {
                extensions[extendee, default: [:]][field.number] = file
            }
        }
        func addMessage(_ message: MessageDescriptor) {
            add(message.fullName)
            for field in message.fields { add(field.fullName) }
            for oneof in message.oneofs { add(message.fullName + "." + oneof.name) }
            for nested in message.nestedMessages { addMessage(nested) }
            for nested in message.nestedEnums { addEnum(nested) }
            for field in message.nestedExtensions { addExtension(field) }
        }
        func addEnum(_ type: EnumDescriptor) {
            add(type.fullName)
            // Enum values are scoped like their enum's siblings, as in protobuf's symbol table.
            let scope = type.fullName.split(separator: ".").dropLast().joined(separator: ".")
            for value in type.values { add(scope.isEmpty ? value.name : scope + "." + value.name) }
        }
        if !file.package.isEmpty {
            // Every enclosing package is a symbol too (grpc-go answers `grpc.health` with health.proto).
            var prefix = ""
            for part in file.package.split(separator: ".") {
                prefix = prefix.isEmpty ? String(part) : prefix + "." + part
                add(prefix)
            }
        }
        for message in file.messages { addMessage(message) }
        for type in file.enums { addEnum(type) }
        for field in file.extensions { addExtension(field) }
        for service in file.services {
            add(service.fullName)
            for method in service.methods { add(service.fullName + "." + method.name) }
        }
    }
}
