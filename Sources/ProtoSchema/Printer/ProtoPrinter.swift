import SwiftProtobuf

/// Prints descriptors back as `.proto` source: a whole file, or one service, method, message or enum (as
/// `grpcurl describe` shows them).
///
/// Type names are printed fully qualified with a leading dot (`.demo.v1.HelloRequest`), which needs no
/// scope to resolve. Printing a file and compiling the text again gives the same descriptors, except for
/// comments (not kept) and custom options whose extension the file can't see (left out).
public enum ProtoPrinter {
    /// The whole file: syntax or edition, package, imports, options and every definition.
    public static func file(_ file: FileDescriptor) -> String {
        var printer = Writer(file: file)
        printer.file(file.proto)
        return printer.text
    }

    /// A service with its methods.
    public static func service(_ service: ServiceDescriptor) -> String {
        var printer = Writer(file: service.file)
        printer.service(service.proto)
        return printer.text
    }

    /// One method, as its `rpc` line.
    public static func method(_ method: MethodDescriptor) -> String {
        var printer = Writer(file: method.service.file)
        printer.method(method.proto)
        return printer.text
    }

    /// A message with its nested types.
    public static func message(_ message: MessageDescriptor) -> String {
        var printer = Writer(file: message.file)
        printer.message(message.proto)
        return printer.text
    }

    /// An enum with its values.
    public static func enumType(_ enumType: EnumDescriptor) -> String {
        var printer = Writer(file: enumType.file)
        printer.enumType(enumType.proto)
        return printer.text
    }
}

/// The text being built, with its indentation.
private struct Writer {
    typealias Field = Google_Protobuf_FieldDescriptorProto

    let syntax: Syntax
    let custom: CustomOptionText
    var text = ""
    var depth = 0

    init(file: FileDescriptor) {
        syntax = file.syntax
        custom = CustomOptionText(file: file)
    }

    /// The standard and custom options set in `options`, as `name = value`.
    func options(_ options: some SwiftProtobuf.Message) -> [String] {
        ProtoOptionText.assignments(options, custom: custom)
    }

    var isEditions: Bool {
        if case .editions = syntax { return true }
        return false
    }

    mutating func line(_ content: String) {
        text += content.isEmpty ? "\n" : String(repeating: "  ", count: depth) + content + "\n"
    }

    mutating func block(_ opening: String, _ body: (inout Writer) -> Void) {
        line(opening + " {")
        depth += 1
        body(&self)
        depth -= 1
        line("}")
    }

    // MARK: File

    mutating func file(_ file: Google_Protobuf_FileDescriptorProto) {
        switch syntax {
        case .proto2: line(#"syntax = "proto2";"#)
        case .proto3: line(#"syntax = "proto3";"#)
        case .editions(let edition): line("edition = \"\(ProtoOptionText.editionName(edition))\";")
        }
        line("")
        if file.hasPackage {
            line("package \(file.package);")
            line("")
        }
        if !file.dependency.isEmpty {
            for (index, name) in file.dependency.enumerated() {
                let kind =
                    file.publicDependency.contains(Int32(index))
                    ? "public " : file.weakDependency.contains(Int32(index)) ? "weak " : ""
                line("import \(kind)\(ProtoOptionText.quoted(name));")
            }
            line("")
        }
        let options = options(file.options)
        for option in options { line("option \(option);") }
        if !options.isEmpty { line("") }
        var first = true
        func separate(_ writer: inout Writer) {
            if !first { writer.line("") }
            first = false
        }
        // A proto2 group extension declares its message where the `extend` block stands: blocks are
        // printed when the message list reaches such a message, so the list keeps its order.
        let extends = Self.extendGroups(file.extension)
        var nextExtend = 0
        for message in file.messageType {
            if let block = Self.extendBlock(declaring: message.name, in: extends, isEditions: isEditions) {
                while nextExtend <= block {
                    separate(&self)
                    extend(extends[nextExtend], nested: file.messageType)
                    nextExtend += 1
                }
            } else {
                separate(&self)
                self.message(message)
            }
        }
        for enumType in file.enumType {
            separate(&self)
            self.enumType(enumType)
        }
        for group in extends[nextExtend...] {
            separate(&self)
            extend(group, nested: file.messageType)
        }
        for service in file.service {
            separate(&self)
            self.service(service)
        }
    }

    // MARK: Services

    mutating func service(_ service: Google_Protobuf_ServiceDescriptorProto) {
        block("service \(service.name)") { writer in
            for option in writer.options(service.options) { writer.line("option \(option);") }
            for method in service.method { writer.method(method) }
        }
    }

    mutating func method(_ method: Google_Protobuf_MethodDescriptorProto) {
        let input = (method.clientStreaming ? "stream " : "") + method.inputType
        let output = (method.serverStreaming ? "stream " : "") + method.outputType
        let signature = "rpc \(method.name) ( \(input) ) returns ( \(output) )"
        let options = options(method.options)
        if options.isEmpty {
            // `rpc M(A) returns (B) {}` sets empty options, which a descriptor keeps.
            line(signature + (method.hasOptions ? " {}" : ";"))
        } else {
            block(signature) { writer in
                for option in options { writer.line("option \(option);") }
            }
        }
    }

    // MARK: Messages

    mutating func message(_ message: Google_Protobuf_DescriptorProto) {
        block("message \(message.name)") { $0.messageBody(message) }
    }

    /// The body, in an order that gives back the descriptor's lists as they are: a map entry or a group's
    /// message is declared by its field, so fields are printed up to that one when the nested type list
    /// reaches it.
    mutating func messageBody(_ message: Google_Protobuf_DescriptorProto) {
        for option in options(message.options) { line("option \(option);") }
        // Nested types a field declares (map entries, proto2 groups), by simple name.
        var declaredBy: [String: Int] = [:]
        for (index, field) in message.field.enumerated() {
            if let nested = declaredNestedType(field, in: message) { declaredBy[nested] = index }
        }
        var nextField = 0
        var printedOneofs: Set<Int32> = []
        let extends = Self.extendGroups(message.extension)
        var nextExtend = 0
        for nested in message.nestedType {
            if let block = Self.extendBlock(declaring: nested.name, in: extends, isEditions: isEditions) {
                while nextExtend <= block {
                    extend(extends[nextExtend], nested: message.nestedType)
                    nextExtend += 1
                }
            } else if let fieldIndex = declaredBy[nested.name] {
                while nextField <= fieldIndex {
                    fieldOrOneof(at: nextField, in: message, printed: &printedOneofs)
                    nextField += 1
                }
            } else {
                self.message(nested)
            }
        }
        for enumType in message.enumType { self.enumType(enumType) }
        while nextField < message.field.count {
            fieldOrOneof(at: nextField, in: message, printed: &printedOneofs)
            nextField += 1
        }
        // Oneofs with no fields (possible in a descriptor, not in a file) are left out.
        for group in extends[nextExtend...] { extend(group, nested: message.nestedType) }
        for range in message.extensionRange {
            let options = options(range.options)
            line(
                "extensions \(Self.range(range.start, range.end - 1, max: 536_870_911))"
                    + (options.isEmpty ? "" : " [\(options.joined(separator: ", "))]") + ";")
        }
        reserved(
            message.reservedRange.map { Self.range($0.start, $0.end - 1, max: 536_870_911) },
            names: message.reservedName)
    }

    /// The index of the `extend` block whose proto2 group extension declares the message `name`.
    static func extendBlock(declaring name: String, in blocks: [[Field]], isEditions: Bool) -> Int? {
        guard !isEditions else { return nil }
        return blocks.firstIndex { block in
            block.contains { $0.type == .group && $0.typeName.split(separator: ".").last.map(String.init) == name }
        }
    }

    /// The simple name of the nested type `field` declares itself (a map entry, a proto2 group).
    func declaredNestedType(_ field: Field, in message: Google_Protobuf_DescriptorProto) -> String? {
        guard let nested = nestedType(of: field, in: message) else { return nil }
        if nested.options.mapEntry { return nested.name }
        if field.type == .group, !isEditions { return nested.name }
        return nil
    }

    func nestedType(of field: Field, in message: Google_Protobuf_DescriptorProto) -> Google_Protobuf_DescriptorProto? {
        guard field.type == .message || field.type == .group else { return nil }
        let simple = field.typeName.split(separator: ".").last.map(String.init) ?? ""
        return message.nestedType.first { $0.name == simple && field.typeName.hasSuffix(".\(message.name).\(simple)") }
    }

    mutating func fieldOrOneof(
        at index: Int, in message: Google_Protobuf_DescriptorProto, printed: inout Set<Int32>
    ) {
        let field = message.field[index]
        guard field.hasOneofIndex, !field.proto3Optional else {
            self.field(field, scope: message.nestedType)
            return
        }
        let oneofIndex = field.oneofIndex
        guard printed.insert(oneofIndex).inserted else { return }
        let oneof = message.oneofDecl[Int(oneofIndex)]
        block("oneof \(oneof.name)") { writer in
            for option in writer.options(oneof.options) { writer.line("option \(option);") }
            for member in message.field where member.hasOneofIndex && member.oneofIndex == oneofIndex {
                writer.field(member, scope: message.nestedType, inOneof: true)
            }
        }
    }

    mutating func field(_ field: Field, scope: [Google_Protobuf_DescriptorProto], inOneof: Bool = false) {
        let simple = field.typeName.split(separator: ".").last.map(String.init) ?? ""
        let nested = scope.first { $0.name == simple && (field.type == .message || field.type == .group) }
        var options: [String] = []
        if field.hasDefaultValue { options.append("default = \(defaultText(field))") }
        if field.hasJsonName, field.jsonName != FieldDescriptor.jsonName(of: field.name) {
            options.append("json_name = \(ProtoOptionText.quoted(field.jsonName))")
        }
        options += self.options(field.options)
        let suffix = options.isEmpty ? "" : " [\(options.joined(separator: ", "))]"

        if let nested, nested.options.mapEntry, nested.field.count == 2 {
            let key = typeText(nested.field[0])
            let value = typeText(nested.field[1])
            line("map<\(key), \(value)> \(field.name) = \(field.number)\(suffix);")
            return
        }
        let label = inOneof ? "" : labelText(field)
        if field.type == .group, !isEditions, let nested {
            block("\(label)group \(nested.name) = \(field.number)\(suffix)") { $0.messageBody(nested) }
            return
        }
        line("\(label)\(typeText(field)) \(field.name) = \(field.number)\(suffix);")
    }

    func labelText(_ field: Field) -> String {
        switch field.label {
        case .repeated: return "repeated "
        case .required: return "required "
        default:
            if case .proto2 = syntax { return "optional " }
            return field.proto3Optional ? "optional " : ""
        }
    }

    func typeText(_ field: Field) -> String {
        switch field.type {
        case .group, .message, .enum: field.typeName
        default: FileLinker.typeName(field.type)
        }
    }

    /// `default_value` is stored as protoc writes it: C-escaped for bytes, raw for strings, a name for enums.
    func defaultText(_ field: Field) -> String {
        switch field.type {
        case .string: return ProtoOptionText.quoted(field.defaultValue)
        case .bytes: return "\"\(field.defaultValue)\""
        default: return field.defaultValue
        }
    }

    /// Extensions in runs of the same extendee, each run one `extend` block.
    static func extendGroups(_ fields: [Field]) -> [[Field]] {
        var groups: [[Field]] = []
        for field in fields {
            if let last = groups.last?.last, last.extendee == field.extendee {
                groups[groups.count - 1].append(field)
            } else {
                groups.append([field])
            }
        }
        return groups
    }

    mutating func extend(_ fields: [Field], nested: [Google_Protobuf_DescriptorProto]) {
        guard let extendee = fields.first?.extendee else { return }
        block("extend \(extendee)") { writer in
            for field in fields { writer.field(field, scope: nested) }
        }
    }

    // MARK: Enums

    mutating func enumType(_ enumType: Google_Protobuf_EnumDescriptorProto) {
        block("enum \(enumType.name)") { writer in
            for option in writer.options(enumType.options) { writer.line("option \(option);") }
            for value in enumType.value {
                let options = writer.options(value.options)
                writer.line(
                    "\(value.name) = \(value.number)"
                        + (options.isEmpty ? "" : " [\(options.joined(separator: ", "))]") + ";")
            }
            writer.reserved(
                enumType.reservedRange.map { Self.range($0.start, $0.end, max: Int32.max) },
                names: enumType.reservedName)
        }
    }

    // MARK: Shared

    mutating func reserved(_ ranges: [String], names: [String]) {
        if !ranges.isEmpty { line("reserved \(ranges.joined(separator: ", "));") }
        if !names.isEmpty {
            let shown = isEditions ? names : names.map { ProtoOptionText.quoted($0) }
            line("reserved \(shown.joined(separator: ", "));")
        }
    }

    /// `n`, `n to m` or `n to max` for an inclusive range.
    static func range(_ start: Int32, _ end: Int32, max: Int32) -> String {
        if start == end { return "\(start)" }
        return "\(start) to \(end == max ? "max" : String(end))"
    }
}
