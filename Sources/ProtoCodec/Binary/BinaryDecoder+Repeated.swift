import ProtoSchema

extension BinaryDecoder {
    /// Decodes a run of unpacked elements with the same key (the usual case: repeated fields are
    /// written together), collecting them in a local array before appending to the field.
    mutating func decodeRun(
        _ info: FieldInfo, key: UInt32, keyStart: Int, into slot: inout Value?, unknown: inout [UInt8], depth: Int
    ) throws(CodecError) {
        let existing = slot?.listValue?.count ?? 0
        switch info.type {
        case .message, .group:
            let layout = info.messageLayout!
            let type = MessageType(registry: layout.registry, layout: layout)
            var list: [DynamicMessage] = []
            list.reserveCapacity(4)
            repeat {
                var message = DynamicMessage(storage: MessageStorage.make(type: type))
                do throws(CodecError) {
                    if info.type == .group {
                        try decodeGroup(&message, number: key >> 3, depth: depth + 1)
                    } else {
                        try decodeNested(&message, length: try reader.readLength(), depth: depth + 1)
                    }
                } catch {
                    throw error.at("[\(existing + list.count)]")
                }
                list.append(message)
            } while nextKeyIs(key)
            appendElements(.messages(list), to: &slot)
        case .string:
            var list: [String] = []
            list.reserveCapacity(4)
            repeat {
                do throws(CodecError) {
                    list.append(try readString(info))
                } catch {
                    throw error.at("[\(existing + list.count)]")
                }
            } while nextKeyIs(key)
            appendElements(.strings(list), to: &slot)
        case .bytes:
            var list: [[UInt8]] = []
            repeat {
                list.append(Array(reader.take(try reader.readLength())))
            } while nextKeyIs(key)
            appendElements(.bytes(list), to: &slot)
        case .enum:
            var list: [Int32] = []
            var elementStart = keyStart
            repeat {
                let number = Int32(truncatingIfNeeded: try reader.readVarint())
                if info.flags.contains(.closedEnum), info.enumType?.value(number: number) == nil {
                    unknown.append(contentsOf: reader.bytes(from: elementStart))
                } else {
                    list.append(number)
                }
                elementStart = reader.position
            } while nextKeyIs(key)
            if !list.isEmpty { appendElements(.enums(list), to: &slot) }
        case .int32:
            appendElements(
                .int32s(try run(key) { (r) throws(CodecError) in Int32(truncatingIfNeeded: try r.readVarint()) }),
                to: &slot)
        case .int64:
            appendElements(
                .int64s(try run(key) { (r) throws(CodecError) in Int64(bitPattern: try r.readVarint()) }), to: &slot)
        case .uint32:
            appendElements(
                .uint32s(try run(key) { (r) throws(CodecError) in UInt32(truncatingIfNeeded: try r.readVarint()) }),
                to: &slot)
        case .uint64: appendElements(.uint64s(try run(key) { (r) throws(CodecError) in try r.readVarint() }), to: &slot)
        case .sint32:
            appendElements(
                .int32s(
                    try run(key) { (r) throws(CodecError) in
                        ZigZag.decode32(UInt32(truncatingIfNeeded: try r.readVarint()))
                    }), to: &slot)
        case .sint64:
            appendElements(
                .int64s(try run(key) { (r) throws(CodecError) in ZigZag.decode64(try r.readVarint()) }), to: &slot)
        case .bool:
            appendElements(.bools(try run(key) { (r) throws(CodecError) in try r.readVarint() != 0 }), to: &slot)
        case .fixed32:
            appendElements(.uint32s(try run(key) { (r) throws(CodecError) in try r.readFixed32() }), to: &slot)
        case .sfixed32:
            appendElements(
                .int32s(try run(key) { (r) throws(CodecError) in Int32(bitPattern: try r.readFixed32()) }), to: &slot)
        case .float:
            appendElements(
                .floats(try run(key) { (r) throws(CodecError) in Float(bitPattern: try r.readFixed32()) }), to: &slot)
        case .fixed64:
            appendElements(.uint64s(try run(key) { (r) throws(CodecError) in try r.readFixed64() }), to: &slot)
        case .sfixed64:
            appendElements(
                .int64s(try run(key) { (r) throws(CodecError) in Int64(bitPattern: try r.readFixed64()) }), to: &slot)
        case .double:
            appendElements(
                .doubles(try run(key) { (r) throws(CodecError) in Double(bitPattern: try r.readFixed64()) }), to: &slot)
        }
    }

    /// Reads elements with `read` while the next key is `key`.
    @inline(__always)
    private mutating func run<T>(_ key: UInt32, _ read: (inout WireReader) throws(CodecError) -> T) throws(CodecError)
        -> [T]
    {
        var list: [T] = []
        list.reserveCapacity(4)
        repeat {
            list.append(try read(&reader))
        } while nextKeyIs(key)
        return list
    }

    /// Decodes one packed run (a length-delimited block of varints or fixed-width values).
    mutating func decodePacked(_ info: FieldInfo, into slot: inout Value?, unknown: inout [UInt8]) throws(CodecError) {
        let length = try reader.readLength()
        let start = reader.position
        let end = start + length
        switch info.type {
        case .fixed32, .sfixed32, .float:
            guard length % 4 == 0 else { throw packedLength(length, 4, at: start) }
            let raw = readFixedArray(UInt32.self, count: length / 4)
            switch info.type {
            case .fixed32: appendElements(.uint32s(raw), to: &slot)
            case .sfixed32: appendElements(.int32s(raw.map { Int32(bitPattern: $0) }), to: &slot)
            default: appendElements(.floats(raw.map { Float(bitPattern: $0) }), to: &slot)
            }
        case .fixed64, .sfixed64, .double:
            guard length % 8 == 0 else { throw packedLength(length, 8, at: start) }
            let raw = readFixedArray(UInt64.self, count: length / 8)
            switch info.type {
            case .fixed64: appendElements(.uint64s(raw), to: &slot)
            case .sfixed64: appendElements(.int64s(raw.map { Int64(bitPattern: $0) }), to: &slot)
            default: appendElements(.doubles(raw.map { Double(bitPattern: $0) }), to: &slot)
            }
        default:
            // Every varint ends with exactly one byte below 0x80, so counting those sizes the array.
            var count = 0
            for i in start..<end where reader.base[i] < 0x80 { count += 1 }
            let savedLimit = reader.limit
            reader.limit = end
            defer { reader.limit = savedLimit }
            switch info.type {
            case .int32: appendElements(.int32s(try readVarints(count) { Int32(truncatingIfNeeded: $0) }), to: &slot)
            case .int64: appendElements(.int64s(try readVarints(count) { Int64(bitPattern: $0) }), to: &slot)
            case .uint32: appendElements(.uint32s(try readVarints(count) { UInt32(truncatingIfNeeded: $0) }), to: &slot)
            case .uint64: appendElements(.uint64s(try readVarints(count) { $0 }), to: &slot)
            case .sint32:
                appendElements(
                    .int32s(try readVarints(count) { ZigZag.decode32(UInt32(truncatingIfNeeded: $0)) }), to: &slot)
            case .sint64: appendElements(.int64s(try readVarints(count) { ZigZag.decode64($0) }), to: &slot)
            case .bool: appendElements(.bools(try readVarints(count) { $0 != 0 }), to: &slot)
            case .enum:
                var list = try readVarints(count) { Int32(truncatingIfNeeded: $0) }
                if info.flags.contains(.closedEnum), let enumType = info.enumType {
                    // Numbers the enum does not define go to the unknown fields, one varint record each.
                    var known: [Int32] = []
                    known.reserveCapacity(list.count)
                    for number in list {
                        if enumType.value(number: number) != nil {
                            known.append(number)
                        } else {
                            WireWriter.appendVarint(UInt64(info.number) << 3, to: &unknown)
                            WireWriter.appendVarint(UInt64(bitPattern: Int64(number)), to: &unknown)
                        }
                    }
                    list = known
                }
                if !list.isEmpty { appendElements(.enums(list), to: &slot) }
            default:
                preconditionFailure("not a packable type")
            }
            guard reader.position == end else {
                throw CodecError(.truncated, "truncated varint in packed field", offset: reader.position)
            }
        }
    }

    private func packedLength(_ length: Int, _ width: Int, at offset: Int) -> CodecError {
        CodecError(
            .malformed, "packed field of \(length) bytes is not a whole number of \(width)-byte values", offset: offset)
    }

    @inline(__always)
    private mutating func readVarints<T>(_ count: Int, _ convert: (UInt64) -> T) throws(CodecError) -> [T] {
        var list: [T] = []
        list.reserveCapacity(count)
        while reader.position < reader.limit {
            list.append(convert(try reader.readVarint()))
        }
        return list
    }

    private mutating func readFixedArray<T: FixedWidthInteger>(_: T.Type, count: Int) -> [T] {
        let source = UnsafeRawPointer(reader.base + reader.position)
        reader.position += count * MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                buffer[i] = T(littleEndian: source.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
            }
            initialized = count
        }
    }
}

/// Appends `new` to the list in `slot` in place: each case binds the array, then clears the slot so the
/// binding is the only reference and grows without a copy. (Copying here would make input that
/// interleaves two repeated fields quadratic.)
func appendElements(_ new: RepeatedValue, to slot: inout Value?) {
    guard !new.isEmpty else { return }
    switch slot {
    case .list(.bools(var a))?:
        guard case .bools(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.bools(a))
        return
    case .list(.int32s(var a))?:
        guard case .int32s(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.int32s(a))
        return
    case .list(.int64s(var a))?:
        guard case .int64s(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.int64s(a))
        return
    case .list(.uint32s(var a))?:
        guard case .uint32s(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.uint32s(a))
        return
    case .list(.uint64s(var a))?:
        guard case .uint64s(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.uint64s(a))
        return
    case .list(.floats(var a))?:
        guard case .floats(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.floats(a))
        return
    case .list(.doubles(var a))?:
        guard case .doubles(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.doubles(a))
        return
    case .list(.strings(var a))?:
        guard case .strings(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.strings(a))
        return
    case .list(.bytes(var a))?:
        guard case .bytes(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.bytes(a))
        return
    case .list(.enums(var a))?:
        guard case .enums(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.enums(a))
        return
    case .list(.messages(var a))?:
        guard case .messages(let b) = new else { break }
        slot = nil
        a += b
        slot = .list(.messages(a))
        return
    default:
        break
    }
    slot = .list(new)
}
