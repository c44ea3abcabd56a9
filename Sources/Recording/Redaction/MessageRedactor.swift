import ProtoCodec
import ProtoSchema

/// The field rules of a ``RedactionPolicy`` resolved against a schema: which fields to clear in which
/// messages. Rules that name unknown types, methods or fields are errors when the redactor is made, so a
/// typo never lets a secret through silently.
public struct MessageRedactor: Sendable {
    /// One resolved rule: the fields to walk from the root message, and the name reported in events.
    struct Rule: Sendable {
        var label: String
        var path: [FieldDescriptor]
    }

    private var byType: [String: [Rule]] = [:]
    private var byMethod: [String: (request: [Rule], response: [Rule])] = [:]

    /// Whether no field is ever redacted.
    public var isEmpty: Bool { byType.isEmpty && byMethod.isEmpty }

    /// Resolves the field paths of `policy` against `pool`.
    public init(policy: RedactionPolicy, pool: DescriptorPool?) throws(RedactionError) {
        for rule in policy.fieldPaths {
            guard let pool else {
                throw RedactionError(
                    rule: rule, reason: "field redaction needs a schema (--proto, --protoset or --reflect)")
            }
            if rule.hasPrefix("/") {
                try addMethodRule(rule, pool: pool)
            } else {
                try addTypeRule(rule, pool: pool)
            }
        }
    }

    private mutating func addTypeRule(_ rule: String, pool: DescriptorPool) throws(RedactionError) {
        let parts = rule.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // The longest prefix naming a message is the type; the rest are fields (packages have dots too).
        for split in stride(from: parts.count - 1, through: 1, by: -1) {
            let typeName = parts[..<split].joined(separator: ".")
            guard let message = pool.message(named: typeName) else { continue }
            let path = try Self.resolve(Array(parts[split...]), in: message, rule: rule)
            byType[message.fullName, default: []].append(Rule(label: rule, path: path))
            return
        }
        throw RedactionError(
            rule: rule,
            reason: "no message type of the schema starts this path; write it as package.Message.field "
                + "or as /package.Service/Method:$.field")
    }

    private mutating func addMethodRule(_ rule: String, pool: DescriptorPool) throws(RedactionError) {
        guard let colon = rule.firstIndex(of: ":") else {
            throw RedactionError(rule: rule, reason: "a method rule is /package.Service/Method:$.field.path")
        }
        let methodPath = String(rule[..<colon])
        var jsonPath = rule[rule.index(after: colon)...]
        guard let method = pool.method(path: methodPath) else {
            throw RedactionError(rule: rule, reason: "the schema has no method \(methodPath)")
        }
        if jsonPath.hasPrefix("$.") {
            jsonPath = jsonPath.dropFirst(2)
        } else if jsonPath.hasPrefix("$") {
            jsonPath = jsonPath.dropFirst()
        }
        let parts = jsonPath.split(separator: ".", omittingEmptySubsequences: false).map {
            // `items[*]` and `items[]` walk into every element, as every repeated field does anyway.
            String($0.hasSuffix("[*]") ? $0.dropLast(3) : $0.hasSuffix("[]") ? $0.dropLast(2) : $0)
        }
        let request = try? Self.resolve(parts, in: method.inputType, rule: rule)
        let response = try? Self.resolve(parts, in: method.outputType, rule: rule)
        guard request != nil || response != nil else {
            // Report the request side's reason.
            _ = try Self.resolve(parts, in: method.inputType, rule: rule)
            return
        }
        var entry = byMethod[method.path] ?? ([], [])
        if let request { entry.request.append(Rule(label: rule, path: request)) }
        if let response { entry.response.append(Rule(label: rule, path: response)) }
        byMethod[method.path] = entry
    }

    private static func resolve(
        _ names: [String], in root: MessageDescriptor, rule: String
    ) throws(RedactionError) -> [FieldDescriptor] {
        var path: [FieldDescriptor] = []
        var message = root
        for (index, name) in names.enumerated() {
            guard !name.isEmpty else { throw RedactionError(rule: rule, reason: "the path has an empty field name") }
            guard let field = message.field(named: name) ?? message.fields.first(where: { $0.jsonName == name }) else {
                let known = message.fields.map(\.name).joined(separator: ", ")
                throw RedactionError(
                    rule: rule, reason: "\(message.fullName) has no field \"\(name)\" (its fields: \(known))")
            }
            path.append(field)
            if index < names.count - 1 {
                var next = field.messageType
                if field.isMap { next = next?.mapValueField?.messageType }
                guard let next else {
                    throw RedactionError(
                        rule: rule,
                        reason: "\(field.fullName) is not a message, so \"\(names[index + 1])\" cannot follow it")
                }
                message = next
            }
        }
        return path
    }

    /// Whether messages of `type` sent on `method` have rules.
    func rules(for type: MessageType, method: String, direction: MessageDirection) -> [Rule] {
        var rules = byType[type.fullName] ?? []
        if let perMethod = byMethod[method] {
            rules += direction == .request ? perMethod.request : perMethod.response
        }
        return rules
    }

    /// Clears the fields the rules name; returns the labels of the rules that cleared something.
    func apply(_ rules: [Rule], to message: inout DynamicMessage) -> [String] {
        var cleared: [String] = []
        for rule in rules where Self.clear(rule.path[...], in: &message) {
            if !cleared.contains(rule.label) { cleared.append(rule.label) }
        }
        return cleared
    }

    private static func clear(_ path: ArraySlice<FieldDescriptor>, in message: inout DynamicMessage) -> Bool {
        guard let field = path.first else { return false }
        guard message.has(field) else { return false }
        let rest = path.dropFirst()
        if rest.isEmpty {
            message.clear(field)
            return true
        }
        switch message[field] {
        case .message(var child):
            let changed = clear(rest, in: &child)
            if changed { message[field] = .message(child) }
            return changed
        case .list(.messages(var children)):
            var changed = false
            for index in children.indices where clear(rest, in: &children[index]) { changed = true }
            if changed { message[field] = .list(.messages(children)) }
            return changed
        case .map(let map):
            var changed = false
            let entries = map.entries.map { entry -> MapValue.Entry in
                guard case .message(var child) = entry.value, clear(rest, in: &child) else { return entry }
                changed = true
                return MapValue.Entry(key: entry.key, value: .message(child))
            }
            if changed { message[field] = .map(MapValue(entries)) }
            return changed
        default:
            return false
        }
    }
}
