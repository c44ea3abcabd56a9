import ProtoSchema

extension FieldInfo {
    /// The value as stored: nil for the zero value of a field without presence and for empty lists and
    /// maps, so "set to default" and "unset" compare equal, as they encode the same.
    static func normalized(_ value: Value, for info: FieldInfo) -> Value? {
        if info.isRepeated {
            switch value {
            case .list(let list): return list.isEmpty ? nil : value
            case .map(let map): return map.isEmpty ? nil : value
            default: return value
            }
        }
        if info.hasPresence { return value }
        return value.isZero ? nil : value
    }
}

extension Value {
    /// Whether this is the zero value of its kind (floats: only +0.0, which is all-zero bits).
    var isZero: Bool {
        switch self {
        case .bool(let v): !v
        case .int32(let v): v == 0
        case .int64(let v): v == 0
        case .uint32(let v): v == 0
        case .uint64(let v): v == 0
        case .float(let v): v.bitPattern == 0
        case .double(let v): v.bitPattern == 0
        case .string(let v): v.isEmpty
        case .bytes(let v): v.isEmpty
        case .enumNumber(let v): v == 0
        case .message, .list, .map: false
        }
    }
}

extension MessageLayout {
    /// What an unset field reads as.
    func unsetValue(of info: FieldInfo) -> Value {
        if info.isMap { return .map(MapValue()) }
        if info.isRepeated { return .list(info.kind.emptyList) }
        if info.kind == .message, let layout = info.messageLayout {
            return .message(DynamicMessage(type: MessageType(registry: registry, layout: layout)))
        }
        if info.slot >= 0, let value = defaults[info.slot] { return value }
        if let text = info.descriptor.defaultValueText, let value = try? DefaultValueParser.parse(text, for: info) {
            return value
        }
        if info.kind == .enumNumber, let first = info.enumType?.defaultValue { return .enumNumber(first.number) }
        return info.kind.zero ?? .bool(false)
    }

    /// Why `value` cannot be stored in the field, or nil when it can.
    func problem(with value: Value, for info: FieldInfo) -> String? {
        if info.isMap {
            guard case .map(let map) = value else { return "a map field takes .map, not \(value.caseName)" }
            guard let entry = info.messageLayout, entry.fields.count == 2 else { return "map entry type missing" }
            let keyInfo = entry.fields[entry.slot(forNumber: 1)]
            let valueInfo = entry.fields[entry.slot(forNumber: 2)]
            for item in map.entries {
                if !keyInfo.kind.matches(item.key.value) {
                    return "map keys must be .\(keyInfo.kind.caseName), not \(item.key.value.caseName)"
                }
                if let problem = entry.problem(with: item.value, for: valueInfo) { return "map value: \(problem)" }
            }
            return nil
        }
        if info.isRepeated {
            guard case .list(let list) = value else { return "a repeated field takes .list, not \(value.caseName)" }
            guard info.kind.matches(list) else { return "list elements must be .\(info.kind.caseName)" }
            if case .messages(let messages) = list, let layout = info.messageLayout {
                for message in messages where message.layout !== layout {
                    return "list elements must be \(layout.fullName) messages, not \(message.layout.fullName)"
                }
            }
            return nil
        }
        guard info.kind.matches(value) else { return "takes .\(info.kind.caseName), not \(value.caseName)" }
        if case .message(let message) = value, let layout = info.messageLayout, message.layout !== layout {
            return "takes a \(layout.fullName) message, not \(message.layout.fullName)"
        }
        return nil
    }
}

extension Value {
    /// The name of the case, for error messages.
    var caseName: String {
        switch self {
        case .bool: ".bool"
        case .int32: ".int32"
        case .int64: ".int64"
        case .uint32: ".uint32"
        case .uint64: ".uint64"
        case .float: ".float"
        case .double: ".double"
        case .string: ".string"
        case .bytes: ".bytes"
        case .enumNumber: ".enumNumber"
        case .message: ".message"
        case .list: ".list"
        case .map: ".map"
        }
    }
}
