import ProtoSchema

/// Where a schema given for a replay reads the recorded calls differently from the schema the recording
/// was decoded with: the replayed methods missing from it, and the request, response and nested message
/// types whose fields differ (added, removed, or changed in name, type or cardinality). The golden check
/// compares fields as the given schema reads them, so this says in advance why fields may differ.
public enum SchemaDrift {
    /// One line per difference, in the order found; empty when both schemas read `methods` alike.
    public static func differences(recorded: DescriptorPool, given: DescriptorPool, methods: [String]) -> [String] {
        var found: [String] = []
        var seen = Set<String>()
        var pending: [String] = []
        for path in methods {
            guard let old = recorded.method(path: path) else { continue }
            guard let new = given.method(path: path) else {
                found.append("\(path) is not in the schema given")
                continue
            }
            if old.isClientStreaming != new.isClientStreaming || old.isServerStreaming != new.isServerStreaming {
                found.append("\(path) streams differently")
            }
            for type in [old.inputType.fullName, old.outputType.fullName] where seen.insert(type).inserted {
                pending.append(type)
            }
            for (oldType, newType) in [(old.inputType, new.inputType), (old.outputType, new.outputType)]
            where oldType!.fullName != newType!.fullName {
                found.append("\(path) takes \(newType!.fullName) where the recording has \(oldType!.fullName)")
            }
        }
        while let name = pending.popLast() {
            guard let old = recorded.message(named: name) else { continue }
            guard let new = given.message(named: name) else {
                found.append("\(name) is not in the schema given")
                continue
            }
            if let change = fieldChanges(old, new) { found.append("\(name): \(change)") }
            for field in old.fields {
                if let type = field.messageType?.fullName, seen.insert(type).inserted { pending.append(type) }
            }
        }
        return found
    }

    /// The field differences of one message, by number, or nil when there are none.
    private static func fieldChanges(_ old: MessageDescriptor, _ new: MessageDescriptor) -> String? {
        let before = Dictionary(old.fields.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.fields.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        var parts: [String] = []
        for number in Set(before.keys).union(after.keys).sorted() {
            switch (before[number], after[number]) {
            case (nil, let added?): parts.append("field \(number) \(added.name) added")
            case (let removed?, nil): parts.append("field \(number) \(removed.name) removed")
            case (let was?, let now?) where describe(was) != describe(now):
                parts.append("field \(number) was \(describe(was)), is \(describe(now))")
            default: break
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// `repeated string name`, `demo.v1.Color color`: what a field reads as.
    private static func describe(_ field: FieldDescriptor) -> String {
        let type = field.messageType?.fullName ?? field.enumType?.fullName ?? "\(field.type)"
        return (field.isRepeated ? "repeated " : "") + "\(type) \(field.name)"
    }
}
