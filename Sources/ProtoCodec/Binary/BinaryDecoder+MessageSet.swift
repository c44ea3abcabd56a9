import ProtoSchema

extension BinaryDecoder {
    /// Reads one MessageSet item (its START_GROUP key already read) into the extension its `type_id`
    /// names. Items for extensions the pool does not know, or without both parts, stay unknown fields,
    /// byte for byte. `type_id` may come after `message`, so the message's place is noted first.
    mutating func decodeMessageSetItem(
        layout: MessageLayout, itemStart: Int, extensions: inout [ExtensionEntry], unknown: inout [UInt8], depth: Int
    ) throws(CodecError) {
        var typeID: Int32?
        var payload: (start: Int, length: Int)?
        while true {
            guard reader.position < reader.limit else {
                throw CodecError(.truncated, "MessageSet item is not closed (no END_GROUP)", offset: reader.position)
            }
            let keyStart = reader.position
            let key = try reader.readKey()
            switch key {
            case MessageSetItem.endKey:
                break
            case MessageSetItem.typeIDKey:
                typeID = Int32(truncatingIfNeeded: try reader.readVarint())
                continue
            case MessageSetItem.messageKey:
                let length = try reader.readLength()
                payload = (reader.position, length)
                reader.position += length
                continue
            default:
                guard key & 7 != 4 else {
                    throw CodecError(
                        .endGroupMismatch, "END_GROUP for field \(key >> 3) inside a MessageSet item", offset: keyStart)
                }
                try reader.skipValue(key: key, depthLeft: options.recursionLimit - depth)
                continue
            }
            break
        }
        guard let typeID, let payload, let info = layout.extensions[typeID], info.type == .message,
            let messageLayout = info.messageLayout
        else {
            unknown.append(contentsOf: reader.bytes(from: itemStart))
            return
        }
        let index = extensions.firstIndex { $0.number >= typeID }
        var message = messageLayout.makeMessage()
        if let index, extensions[index].number == typeID, case .message(let existing) = extensions[index].value {
            message = existing  // repeated items merge, as repeated occurrences of a message field do
            extensions[index].value = .bool(false)
        }
        let end = reader.position
        reader.position = payload.start
        do throws(CodecError) {
            try decodeNested(&message, length: payload.length, depth: depth + 1)
        } catch {
            throw error.inField(info, of: layout)
        }
        reader.position = end
        if let index, extensions[index].number == typeID {
            extensions[index].value = .message(message)
        } else {
            extensions.insert(
                ExtensionEntry(number: typeID, value: .message(message)), at: index ?? extensions.endIndex)
        }
    }
}
