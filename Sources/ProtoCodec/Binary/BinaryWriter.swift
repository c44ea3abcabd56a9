import ProtoSchema

/// The second encoding pass: writes fields into the buffer, taking the sizes of length-delimited
/// parts from the sizer in the same order it computed them.
struct BinaryWriter {
    var out: WireWriter
    let sizes: [Int]
    var next = 0
    let deterministic: Bool

    init(_ buffer: UnsafeMutableRawBufferPointer, sizes: [Int], deterministic: Bool) {
        out = WireWriter(buffer)
        self.sizes = sizes
        self.deterministic = deterministic
    }

    @inline(__always)
    private mutating func nextSize() -> Int {
        let size = sizes[next]
        next += 1
        return size
    }

    /// Writes the fields in the order the sizer visited them: field numbers, extensions merged in.
    mutating func writeMessage(_ message: DynamicMessage) {
        let layout = message.layout
        let slots = message.storage.withUnsafeMutablePointerToElements { $0 }
        let extensions = layout.mayHaveExtensions ? message.storage.extensions : []
        var nextExtension = 0
        for slot in layout.slotsByNumber where slots[slot] != nil {
            let info = layout.fields[slot]
            while nextExtension < extensions.count, extensions[nextExtension].number < info.number {
                writeExtension(extensions[nextExtension], layout: layout)
                nextExtension += 1
            }
            writeField(info, slots + slot)
        }
        while nextExtension < extensions.count {
            writeExtension(extensions[nextExtension], layout: layout)
            nextExtension += 1
        }
        withExtendedLifetime(message) {}
        if message.storage.hasUnknownFields {
            message.storage.unknownFields.withUnsafeBytes { out.writeBytes($0) }
        }
    }

    private mutating func writeExtension(_ entry: ExtensionEntry, layout: MessageLayout) {
        guard let info = layout.extensions[entry.number] else { return }
        var value: Value? = entry.value
        writeField(info, &value)
    }

    @inline(__always)
    private mutating func writeField(_ info: FieldInfo, _ slot: UnsafePointer<Value?>) {
        switch slot.pointee {
        case nil:
            break
        case .message(let message)?:
            writeMessageField(info, message)
        case .list(let list)?:
            writeList(info, list)
        case .map(let map)?:
            writeMap(info, map)
        case let value?:
            out.writeKey(info.tag)
            writeScalar(info.type, value)
        }
    }

    @inline(__always)
    private mutating func writeMessageField(_ info: FieldInfo, _ message: DynamicMessage) {
        if info.type == .group {
            out.writeKey(info.tag)
            writeMessage(message)
            out.writeKey(info.endGroupTag)
        } else {
            out.writeKey(info.lengthTag)
            out.writeVarint(UInt64(nextSize()))
            writeMessage(message)
        }
    }

    private mutating func writeList(_ info: FieldInfo, _ list: RepeatedValue) {
        if info.flags.contains(.packed), !list.isEmpty {
            out.writeKey(info.lengthTag)
            out.writeVarint(UInt64(nextSize()))
            writeElements(info.type, list, key: nil)
            return
        }
        switch list {
        case .messages(let messages):
            for message in messages { writeMessageField(info, message) }
        case .strings(let strings):
            for string in strings {
                out.writeKey(info.tag)
                out.writeVarint(UInt64(string.utf8.count))
                out.writeString(string)
            }
        case .bytes(let list):
            for bytes in list {
                out.writeKey(info.tag)
                out.writeVarint(UInt64(bytes.count))
                bytes.withUnsafeBytes { out.writeBytes($0) }
            }
        default:
            writeElements(info.type, list, key: info.tag)
        }
    }

    /// Writes scalar elements, each preceded by `key` when given (unpacked), back to back otherwise.
    private mutating func writeElements(_ type: FieldType, _ list: RepeatedValue, key: UInt32?) {
        @inline(__always) func element(_ body: (inout WireWriter) -> Void) {
            if let key { out.writeKey(key) }
            body(&out)
        }
        switch list {
        case .bools(let a): for v in a { element { $0.writeVarint(v ? 1 : 0) } }
        case .floats(let a): for v in a { element { $0.writeFixed32(v.bitPattern) } }
        case .doubles(let a): for v in a { element { $0.writeFixed64(v.bitPattern) } }
        case .int32s(let a):
            switch type {
            case .sfixed32: for v in a { element { $0.writeFixed32(UInt32(bitPattern: v)) } }
            case .sint32: for v in a { element { $0.writeVarint(UInt64(ZigZag.encode32(v))) } }
            default: for v in a { element { $0.writeVarint(UInt64(bitPattern: Int64(v))) } }
            }
        case .int64s(let a):
            switch type {
            case .sfixed64: for v in a { element { $0.writeFixed64(UInt64(bitPattern: v)) } }
            case .sint64: for v in a { element { $0.writeVarint(ZigZag.encode64(v)) } }
            default: for v in a { element { $0.writeVarint(UInt64(bitPattern: v)) } }
            }
        case .uint32s(let a):
            if type == .fixed32 {
                for v in a { element { $0.writeFixed32(v) } }
            } else {
                for v in a { element { $0.writeVarint(UInt64(v)) } }
            }
        case .uint64s(let a):
            if type == .fixed64 {
                for v in a { element { $0.writeFixed64(v) } }
            } else {
                for v in a { element { $0.writeVarint(v) } }
            }
        case .enums(let a): for v in a { element { $0.writeVarint(UInt64(bitPattern: Int64(v))) } }
        case .strings, .bytes, .messages: break
        }
    }

    private mutating func writeMap(_ info: FieldInfo, _ map: MapValue) {
        let entryLayout = info.messageLayout!
        let keyInfo = entryLayout.fields[entryLayout.slot(forNumber: 1)]
        let valueInfo = entryLayout.fields[entryLayout.slot(forNumber: 2)]
        for entry in FieldWalk.entries(of: map, deterministic: deterministic) {
            out.writeKey(info.lengthTag)
            out.writeVarint(UInt64(nextSize()))
            out.writeKey(keyInfo.tag)
            writeScalar(keyInfo.type, entry.key.value)
            if case .message(let message) = entry.value {
                out.writeKey(valueInfo.lengthTag)
                out.writeVarint(UInt64(nextSize()))
                writeMessage(message)
            } else {
                out.writeKey(valueInfo.tag)
                writeScalar(valueInfo.type, entry.value)
            }
        }
    }

    @inline(__always)
    private mutating func writeScalar(_ type: FieldType, _ value: Value) {
        switch value {
        case .int32(let v):
            switch type {
            case .sint32: out.writeVarint(UInt64(ZigZag.encode32(v)))
            case .sfixed32: out.writeFixed32(UInt32(bitPattern: v))
            default: out.writeVarint(UInt64(bitPattern: Int64(v)))
            }
        case .int64(let v):
            switch type {
            case .sint64: out.writeVarint(ZigZag.encode64(v))
            case .sfixed64: out.writeFixed64(UInt64(bitPattern: v))
            default: out.writeVarint(UInt64(bitPattern: v))
            }
        case .uint32(let v):
            if type == .fixed32 { out.writeFixed32(v) } else { out.writeVarint(UInt64(v)) }
        case .uint64(let v):
            if type == .fixed64 { out.writeFixed64(v) } else { out.writeVarint(v) }
        case .float(let v): out.writeFixed32(v.bitPattern)
        case .double(let v): out.writeFixed64(v.bitPattern)
        case .bool(let v): out.writeVarint(v ? 1 : 0)
        case .enumNumber(let v): out.writeVarint(UInt64(bitPattern: Int64(v)))
        case .string(let s):
            out.writeVarint(UInt64(s.utf8.count))
            out.writeString(s)
        case .bytes(let b):
            out.writeVarint(UInt64(b.count))
            b.withUnsafeBytes { out.writeBytes($0) }
        case .message, .list, .map: break
        }
    }
}
