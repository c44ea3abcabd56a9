import ProtoSchema

/// The first encoding pass: computes the size of every length-delimited part (messages, map entries,
/// packed runs) in the order the writer will need them, so the writer fills one buffer in one pass.
struct BinarySizer {
    let options: BinaryEncodingOptions
    /// Sizes in pre-order: a part's size comes before the sizes of the parts inside it.
    var sizes: [Int] = []

    init(options: BinaryEncodingOptions) {
        self.options = options
    }

    mutating func messageSize(_ message: DynamicMessage, depth: Int) throws(CodecError) -> Int {
        let layout = message.layout
        if !options.allowPartial {
            for slot in layout.requiredSlots where message.slotValue(slot) == nil {
                let field = layout.fields[slot].descriptor
                throw CodecError(
                    .missingRequired, "required field \(field.fullName) is not set", path: "$.\(field.jsonName)")
            }
        }
        var total = message.storage.withUnsafeMutablePointerToHeader { $0.pointee.unknownFields.count }
        // Inline iteration over slot pointers: values are switched on in place (no copies, no closure).
        let slots = message.storage.withUnsafeMutablePointerToElements { $0 }
        let extensions = layout.mayHaveExtensions ? message.storage.extensions : []
        var nextExtension = 0
        for slot in layout.slotsByNumber where slots[slot] != nil {
            let info = layout.fields[slot]
            while nextExtension < extensions.count, extensions[nextExtension].number < info.number {
                total += try extensionSize(extensions[nextExtension], depth: depth, layout: layout)
                nextExtension += 1
            }
            do throws(CodecError) {
                total += try fieldSize(info, slots + slot, depth: depth)
            } catch {
                throw error.inField(info, of: layout)
            }
        }
        while nextExtension < extensions.count {
            total += try extensionSize(extensions[nextExtension], depth: depth, layout: layout)
            nextExtension += 1
        }
        withExtendedLifetime(message) {}
        return total
    }

    private mutating func extensionSize(_ entry: ExtensionEntry, depth: Int, layout: MessageLayout) throws(CodecError)
        -> Int
    {
        guard let info = layout.extensions[entry.number] else { return 0 }
        var value: Value? = entry.value
        do throws(CodecError) {
            return try fieldSize(info, &value, depth: depth)
        } catch {
            throw error.inField(info, of: layout)
        }
    }

    private mutating func nestedSize(_ message: DynamicMessage, depth: Int) throws(CodecError) -> Int {
        guard depth < options.recursionLimit else {
            throw CodecError(
                .recursionLimit, "messages nested deeper than the recursion limit (\(options.recursionLimit))")
        }
        return try messageSize(message, depth: depth + 1)
    }

    @inline(__always)
    mutating func fieldSize(_ info: FieldInfo, _ slot: UnsafePointer<Value?>, depth: Int) throws(CodecError) -> Int {
        switch slot.pointee {
        case nil:
            return 0
        case .message(let message)?:
            if info.type == .group {
                return 2 * keySize(info.tag) + (try nestedSize(message, depth: depth))
            }
            let index = sizes.count
            sizes.append(0)
            let inner = try nestedSize(message, depth: depth)
            sizes[index] = inner
            return keySize(info.lengthTag) + WireWriter.varintSize(UInt64(inner)) + inner
        case .list(let list)?:
            return try listSize(info, list, depth: depth)
        case .map(let map)?:
            return try mapSize(info, map, depth: depth)
        case let value?:
            return keySize(info.tag) + Self.scalarSize(info.type, value)
        }
    }

    private mutating func listSize(_ info: FieldInfo, _ list: RepeatedValue, depth: Int) throws(CodecError) -> Int {
        if info.flags.contains(.packed), !list.isEmpty {
            let payload = Self.packedPayloadSize(info.type, list)
            sizes.append(payload)
            return keySize(info.lengthTag) + WireWriter.varintSize(UInt64(payload)) + payload
        }
        let tagSize = keySize(info.tag)
        switch list {
        case .messages(let messages):
            var total = 0
            for (index, message) in messages.enumerated() {
                do throws(CodecError) {
                    if info.type == .group {
                        total += 2 * tagSize + (try nestedSize(message, depth: depth))
                    } else {
                        let at = sizes.count
                        sizes.append(0)
                        let inner = try nestedSize(message, depth: depth)
                        sizes[at] = inner
                        total += keySize(info.lengthTag) + WireWriter.varintSize(UInt64(inner)) + inner
                    }
                } catch {
                    throw error.at("[\(index)]")
                }
            }
            return total
        case .strings(let strings):
            var total = strings.count * tagSize
            for string in strings {
                let n = string.utf8.count
                total += WireWriter.varintSize(UInt64(n)) + n
            }
            return total
        case .bytes(let list):
            var total = list.count * tagSize
            for bytes in list { total += WireWriter.varintSize(UInt64(bytes.count)) + bytes.count }
            return total
        default:
            return list.count * tagSize + Self.packedPayloadSize(info.type, list)
        }
    }

    private mutating func mapSize(_ info: FieldInfo, _ map: MapValue, depth: Int) throws(CodecError) -> Int {
        let entryLayout = info.messageLayout!
        let keyInfo = entryLayout.fields[entryLayout.slot(forNumber: 1)]
        let valueInfo = entryLayout.fields[entryLayout.slot(forNumber: 2)]
        let outerTag = keySize(info.lengthTag)
        var total = 0
        for entry in FieldWalk.entries(of: map, deterministic: options.deterministic) {
            let at = sizes.count
            sizes.append(0)
            var entrySize = keySize(keyInfo.tag) + Self.scalarSize(keyInfo.type, entry.key.value)
            do throws(CodecError) {
                if case .message(let message) = entry.value {
                    let valueAt = sizes.count
                    sizes.append(0)
                    let inner = try nestedSize(message, depth: depth + 1)
                    sizes[valueAt] = inner
                    entrySize += keySize(valueInfo.lengthTag) + WireWriter.varintSize(UInt64(inner)) + inner
                } else {
                    entrySize += keySize(valueInfo.tag) + Self.scalarSize(valueInfo.type, entry.value)
                }
            } catch {
                throw error.at("[\(JSONWriter.quoted(entry.key.jsonText))]")
            }
            sizes[at] = entrySize
            total += outerTag + WireWriter.varintSize(UInt64(entrySize)) + entrySize
        }
        return total
    }

    @inline(__always)
    func keySize(_ key: UInt32) -> Int { key < 0x80 ? 1 : WireWriter.varintSize(UInt64(key)) }

    /// The size of one scalar value without its key.
    @inline(__always)
    static func scalarSize(_ type: FieldType, _ value: Value) -> Int {
        switch value {
        case .int32(let v):
            switch type {
            case .sint32: return WireWriter.varintSize(UInt64(ZigZag.encode32(v)))
            case .sfixed32: return 4
            default: return WireWriter.varintSize(UInt64(bitPattern: Int64(v)))
            }
        case .int64(let v):
            switch type {
            case .sint64: return WireWriter.varintSize(ZigZag.encode64(v))
            case .sfixed64: return 8
            default: return WireWriter.varintSize(UInt64(bitPattern: v))
            }
        case .uint32(let v): return type == .fixed32 ? 4 : WireWriter.varintSize(UInt64(v))
        case .uint64(let v): return type == .fixed64 ? 8 : WireWriter.varintSize(v)
        case .float: return 4
        case .double: return 8
        case .bool: return 1
        case .enumNumber(let v): return WireWriter.varintSize(UInt64(bitPattern: Int64(v)))
        case .string(let s):
            let n = s.utf8.count
            return WireWriter.varintSize(UInt64(n)) + n
        case .bytes(let b): return WireWriter.varintSize(UInt64(b.count)) + b.count
        case .message, .list, .map: return 0
        }
    }

    /// The size of the elements of a scalar list written back to back (the payload of a packed run).
    static func packedPayloadSize(_ type: FieldType, _ list: RepeatedValue) -> Int {
        switch list {
        case .bools(let a): return a.count
        case .floats(let a): return a.count * 4
        case .doubles(let a): return a.count * 8
        case .int32s(let a):
            switch type {
            case .sfixed32: return a.count * 4
            case .sint32: return a.reduce(0) { $0 + WireWriter.varintSize(UInt64(ZigZag.encode32($1))) }
            default: return a.reduce(0) { $0 + WireWriter.varintSize(UInt64(bitPattern: Int64($1))) }
            }
        case .int64s(let a):
            switch type {
            case .sfixed64: return a.count * 8
            case .sint64: return a.reduce(0) { $0 + WireWriter.varintSize(ZigZag.encode64($1)) }
            default: return a.reduce(0) { $0 + WireWriter.varintSize(UInt64(bitPattern: $1)) }
            }
        case .uint32s(let a):
            return type == .fixed32 ? a.count * 4 : a.reduce(0) { $0 + WireWriter.varintSize(UInt64($1)) }
        case .uint64s(let a):
            return type == .fixed64 ? a.count * 8 : a.reduce(0) { $0 + WireWriter.varintSize($1) }
        case .enums(let a): return a.reduce(0) { $0 + WireWriter.varintSize(UInt64(bitPattern: Int64($1))) }
        case .strings, .bytes, .messages: return 0
        }
    }
}
