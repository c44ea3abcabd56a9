import Foundation
import SwiftProtobuf

/// Phase 5: the FileDescriptorProto protoc writes with `--descriptor_set_out` (its
/// `FileDescriptor::CopyTo` plus `CopyJsonNameTo`): resolved names with a leading dot, canonical
/// default values, json_name on every field, interpreted options.
extension FileLinker {
    func emit() -> Google_Protobuf_FileDescriptorProto {
        var proto = Google_Protobuf_FileDescriptorProto()
        proto.name = file.name
        if let package = file.package, !package.isEmpty { proto.package = package }
        proto.dependency = file.imports.map(\.path)
        for (index, statement) in file.imports.enumerated() {
            switch statement.kind {
            case .public: proto.publicDependency.append(Int32(index))
            case .weak: proto.weakDependency.append(Int32(index))
            case .plain: break
            }
        }
        proto.messageType = file.messages.map(emit)
        proto.enumType = file.enums.map(emit)
        proto.service = file.services.map(emit)
        proto.extension = file.extensions.map(emit)
        if let bytes = file.optionBytes { proto.options = Self.decode(bytes) }
        switch file.syntax {
        case .proto2: break
        case .proto3: proto.syntax = "proto3"
        case .editions(let edition):
            proto.syntax = "editions"
            proto.edition = edition
        }
        return proto
    }

    private static func decode<M: SwiftProtobuf.Message>(_ bytes: [UInt8]) -> M {
        (try? M(serializedBytes: bytes)) ?? M()
    }

    private func emit(_ message: MessageNode) -> Google_Protobuf_DescriptorProto {
        var proto = Google_Protobuf_DescriptorProto()
        proto.name = message.name
        proto.field = message.fields.map(emit)
        proto.extension = message.extensions.map(emit)
        proto.nestedType = message.nestedMessages.map(emit)
        proto.enumType = message.enums.map(emit)
        proto.extensionRange = message.extensionRanges.map { range in
            var out = Google_Protobuf_DescriptorProto.ExtensionRange()
            out.start = range.start
            out.end = range.end
            if let bytes = range.optionBytes { out.options = Self.decode(bytes) }
            return out
        }
        proto.oneofDecl = message.oneofs.map { oneof in
            var out = Google_Protobuf_OneofDescriptorProto()
            out.name = oneof.name
            if let bytes = oneof.optionBytes { out.options = Self.decode(bytes) }
            return out
        }
        if message.isMapEntry {
            var options = Google_Protobuf_MessageOptions()
            options.mapEntry = true
            proto.options = options
        } else if let bytes = message.optionBytes {
            proto.options = Self.decode(bytes)
        }
        proto.reservedRange = message.reservedRanges.map { range in
            var out = Google_Protobuf_DescriptorProto.ReservedRange()
            out.start = range.start
            out.end = range.end
            return out
        }
        proto.reservedName = message.reservedNames.map(\.name)
        return proto
    }

    private func emit(_ field: FieldNode) -> Google_Protobuf_FieldDescriptorProto {
        var proto = Google_Protobuf_FieldDescriptorProto()
        proto.name = field.name
        proto.number = field.number
        switch field.label {
        case .repeated: proto.label = .repeated
        case .required: proto.label = .required
        default: proto.label = .optional
        }
        proto.type = field.resolvedType
        if let message = field.messageType {
            proto.typeName = "." + message.fullName
        } else if let enumType = field.enumType {
            proto.typeName = "." + enumType.fullName
        }
        if let extendee = field.extendeeType { proto.extendee = "." + extendee.fullName }
        if let value = field.defaultValue {
            proto.defaultValue = Self.canonicalDefault(value, type: field.resolvedType)
        }
        if let index = field.oneofIndex { proto.oneofIndex = Int32(index) }
        proto.jsonName = field.jsonName ?? field.defaultJSONName
        if let bytes = field.optionBytes { proto.options = Self.decode(bytes) }
        if field.proto3Optional { proto.proto3Optional = true }
        return proto
    }

    /// protoc's `DefaultValueAsString`: the default as parsed back for the field's type.
    static func canonicalDefault(_ value: DefaultValue, type: Google_Protobuf_FieldDescriptorProto.TypeEnum) -> String {
        switch value {
        case .bytes(let bytes):
            return type == .bytes ? FloatFormatting.cEscape(bytes) : String(decoding: bytes, as: UTF8.self)
        case .text(let text):
            switch type {
            case .int32, .int64, .sint32, .sint64, .sfixed32, .sfixed64:
                return Int64(text).map { String($0) } ?? text
            case .uint32, .uint64, .fixed32, .fixed64:
                return UInt64(text).map { String($0) } ?? text
            case .double:
                return FloatFormatting.shortest(strtod(text, nil))
            case .float:
                return FloatFormatting.shortest(FloatFormatting.float(strtod(text, nil)))
            default:
                return text
            }
        }
    }

    private func emit(_ node: EnumNode) -> Google_Protobuf_EnumDescriptorProto {
        var proto = Google_Protobuf_EnumDescriptorProto()
        proto.name = node.name
        proto.value = node.values.map { value in
            var out = Google_Protobuf_EnumValueDescriptorProto()
            out.name = value.name
            out.number = value.number
            if let bytes = value.optionBytes { out.options = Self.decode(bytes) }
            return out
        }
        if let bytes = node.optionBytes { proto.options = Self.decode(bytes) }
        proto.reservedRange = node.reservedRanges.map { range in
            var out = Google_Protobuf_EnumDescriptorProto.EnumReservedRange()
            out.start = range.start
            out.end = range.end
            return out
        }
        proto.reservedName = node.reservedNames.map(\.name)
        return proto
    }

    private func emit(_ service: ServiceNode) -> Google_Protobuf_ServiceDescriptorProto {
        var proto = Google_Protobuf_ServiceDescriptorProto()
        proto.name = service.name
        proto.method = service.methods.map { method in
            var out = Google_Protobuf_MethodDescriptorProto()
            out.name = method.name
            out.inputType = method.resolvedInput
            out.outputType = method.resolvedOutput
            if let bytes = method.optionBytes { out.options = Self.decode(bytes) }
            if method.clientStreaming { out.clientStreaming = true }
            if method.serverStreaming { out.serverStreaming = true }
            return out
        }
        if let bytes = service.optionBytes { proto.options = Self.decode(bytes) }
        return proto
    }
}
