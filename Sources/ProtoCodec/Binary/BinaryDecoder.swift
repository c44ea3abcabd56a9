import ProtoSchema

/// Reads protobuf binary into ``DynamicMessage``s, one field at a time, straight from the input bytes.
struct BinaryDecoder {
    var reader: WireReader
    let options: BinaryDecodingOptions

    init(_ buffer: UnsafeRawBufferPointer, options: BinaryDecodingOptions) {
        reader = WireReader(buffer)
        self.options = options
    }

    /// Decodes fields into `message` until the reader's limit, or for a group until its END_GROUP
    /// (`group` is the group's field number, 0 for a length-delimited message).
    mutating func decodeFields(into message: inout DynamicMessage, group: UInt32, depth: Int) throws(CodecError) {
        message.makeUnique()
        let layout = message.layout
        let fields = layout.fields
        let oneofSlots = layout.oneofSlots
        let hasExtensions = layout.mayHaveExtensions
        let knownExtensions = hasExtensions ? layout.extensions : [:]
        var unknown: [UInt8] = []
        var extensions = hasExtensions ? message.storage.extensions : []
        var closed = group == 0
        let storage = message.storage
        try storage.withUnsafeMutablePointerToElements { (slots) throws(CodecError) in
            while reader.position < reader.limit {
                let keyStart = reader.position
                let key = try reader.readKey()
                let number = Int32(bitPattern: key >> 3)
                if key & 7 == 4 {
                    guard key >> 3 == group, group != 0 else {
                        throw CodecError(
                            .endGroupMismatch,
                            group == 0
                                ? "END_GROUP for field \(number) without a START_GROUP"
                                : "END_GROUP for field \(number) inside group \(group)", offset: keyStart)
                    }
                    closed = true
                    return
                }
                if key == MessageSetItem.startKey, layout.isMessageSet {
                    try decodeMessageSetItem(
                        layout: layout, itemStart: keyStart, extensions: &extensions, unknown: &unknown, depth: depth)
                    continue
                }
                let slot = layout.slot(forNumber: number)
                if slot >= 0 {
                    let info = fields[slot]
                    let kept: Bool
                    do throws(CodecError) {
                        kept = try decodeField(
                            info, key: key, keyStart: keyStart, into: &slots[slot], unknown: &unknown, depth: depth)
                    } catch {
                        throw error.inField(info, of: layout)
                    }
                    if !kept {
                        unknown.append(contentsOf: reader.bytes(from: keyStart))
                    } else if info.oneof >= 0 {
                        for other in oneofSlots[info.oneof] where other != slot { slots[other] = nil }
                    }
                } else if hasExtensions, let info = knownExtensions[number] {
                    let index = extensions.firstIndex { $0.number >= number }
                    var current: Value? = nil
                    if let index, extensions[index].number == number {
                        // Moved out (a placeholder left behind) so a list grows in place.
                        current = extensions[index].value
                        extensions[index].value = .bool(false)
                    }
                    let kept: Bool
                    do throws(CodecError) {
                        kept = try decodeField(
                            info, key: key, keyStart: keyStart, into: &current, unknown: &unknown, depth: depth)
                    } catch {
                        throw error.inField(info, of: layout)
                    }
                    if !kept { unknown.append(contentsOf: reader.bytes(from: keyStart)) }
                    // Written back even when this occurrence went to the unknown fields: the value moved out
                    // above must replace its placeholder.
                    if let current {
                        if let index, extensions[index].number == number {
                            extensions[index].value = current
                        } else {
                            extensions.insert(
                                ExtensionEntry(number: number, value: current), at: index ?? extensions.endIndex)
                        }
                    }
                } else {
                    try reader.skipValue(key: key, depthLeft: options.recursionLimit - depth)
                    unknown.append(contentsOf: reader.bytes(from: keyStart))
                }
            }
        }
        guard closed else {
            throw CodecError(.truncated, "group \(group) is not closed (no END_GROUP)", offset: reader.position)
        }
        if hasExtensions {
            message.storage.extensions = extensions
        }
        if !unknown.isEmpty, !options.discardUnknownFields {
            message.storage.appendUnknownFields(unknown)
        }
    }

    /// Decodes one occurrence of a field (for repeated fields: the whole run of consecutive elements).
    /// Returns false when the value belongs in the unknown fields instead: a wire type the field does not
    /// take, or a number a closed enum does not define. The value has been consumed either way.
    @inline(__always)
    mutating func decodeField(
        _ info: FieldInfo, key: UInt32, keyStart: Int, into slot: inout Value?, unknown: inout [UInt8], depth: Int
    ) throws(CodecError) -> Bool {
        let wire = UInt8(truncatingIfNeeded: key & 7)
        if info.isRepeated {
            if info.isMap {
                guard wire == 2 else { return try skipMismatched(key, depth: depth) }
                try decodeMapRun(info, key: key, keyStart: keyStart, into: &slot, unknown: &unknown, depth: depth)
            } else if wire == 2, info.flags.contains(.packable) {
                try decodePacked(info, into: &slot, unknown: &unknown)
            } else if wire == info.type.wireType.rawValue {
                try decodeRun(info, key: key, keyStart: keyStart, into: &slot, unknown: &unknown, depth: depth)
            } else {
                return try skipMismatched(key, depth: depth)
            }
            return true
        }
        guard wire == info.type.wireType.rawValue else { return try skipMismatched(key, depth: depth) }
        switch info.type {
        case .message:
            let length = try reader.readLength()
            var message = takeMessage(&slot, info)
            try decodeNested(&message, length: length, depth: depth + 1)
            slot = .message(message)
        case .group:
            var message = takeMessage(&slot, info)
            try decodeGroup(&message, number: key >> 3, depth: depth + 1)
            slot = .message(message)
        case .enum:
            let number = Int32(truncatingIfNeeded: try reader.readVarint())
            if info.flags.contains(.closedEnum), info.enumType?.value(number: number) == nil { return false }
            slot = number == 0 && !info.hasPresence ? nil : .enumNumber(number)
        default:
            if info.hasPresence {
                slot = try readScalar(info)
            } else {
                try readImplicitScalar(info, into: &slot)
            }
        }
        return true
    }

    /// Skips a value whose wire type the field does not take; it becomes an unknown field.
    private mutating func skipMismatched(_ key: UInt32, depth: Int) throws(CodecError) -> Bool {
        try reader.skipValue(key: key, depthLeft: options.recursionLimit - depth)
        return false
    }

    /// The message already in `slot` (to merge into, as protobuf does for repeated occurrences of a
    /// singular message field), or a new one.
    @inline(__always)
    private func takeMessage(_ slot: inout Value?, _ info: FieldInfo) -> DynamicMessage {
        if case .message(let existing)? = slot {
            slot = nil
            return existing
        }
        return info.messageLayout!.makeMessage()
    }

    /// Decodes a length-delimited message of `length` bytes into `message`.
    @inline(__always)
    mutating func decodeNested(_ message: inout DynamicMessage, length: Int, depth: Int) throws(CodecError) {
        guard depth <= options.recursionLimit else { throw recursionLimit() }
        let savedLimit = reader.limit
        reader.limit = reader.position + length
        try decodeFields(into: &message, group: 0, depth: depth)
        reader.limit = savedLimit
    }

    mutating func decodeGroup(_ message: inout DynamicMessage, number: UInt32, depth: Int) throws(CodecError) {
        guard depth <= options.recursionLimit else { throw recursionLimit() }
        try decodeFields(into: &message, group: number, depth: depth)
    }

    private func recursionLimit() -> CodecError {
        CodecError(
            .recursionLimit, "messages nested deeper than the recursion limit (\(options.recursionLimit))",
            offset: reader.position)
    }

    /// Whether the next key is `key`; consumes it if so.
    @inline(__always)
    mutating func nextKeyIs(_ key: UInt32) -> Bool {
        guard reader.position < reader.limit else { return false }
        let saved = reader.position
        if let next = try? reader.readVarint(), next == UInt64(key) { return true }
        reader.position = saved
        return false
    }
}

extension CodecError {
    /// This error with the field it happened in prepended to its path.
    func inField(_ info: FieldInfo, of layout: MessageLayout, index: Int? = nil) -> CodecError {
        var error = self
        var segment =
            info.flags.contains(.isExtension) ? ".[\(info.descriptor.fullName)]" : ".\(info.descriptor.jsonName)"
        if let index { segment += "[\(index)]" }
        error.path = "$" + segment + (path.map { String($0.dropFirst()) } ?? "")
        return error
    }

    /// This error with an index or map key step prepended to its path.
    func at(_ step: String) -> CodecError {
        var error = self
        error.path = "$" + step + (path.map { String($0.dropFirst()) } ?? "")
        return error
    }
}
