import ProtoSchema

extension BinaryDecoder {
    /// Decodes a run of map entries with the same key. A missing key or value reads as its default; an
    /// entry whose value is a number its closed enum does not define goes to the unknown fields whole.
    mutating func decodeMapRun(
        _ info: FieldInfo, key: UInt32, keyStart: Int, into slot: inout Value?, unknown: inout [UInt8], depth: Int
    ) throws(CodecError) {
        let entryLayout = info.messageLayout!
        let keyInfo = entryLayout.fields[entryLayout.slot(forNumber: 1)]
        let valueInfo = entryLayout.fields[entryLayout.slot(forNumber: 2)]
        var map = slot?.mapValue ?? MapValue(reservingCapacity: 4)
        slot = nil
        var entryStart = keyStart
        repeat {
            let length = try reader.readLength()
            guard depth + 1 <= options.recursionLimit else {
                throw CodecError(
                    .recursionLimit, "messages nested deeper than the recursion limit (\(options.recursionLimit))",
                    offset: reader.position)
            }
            let savedLimit = reader.limit
            reader.limit = reader.position + length
            var entryKey: MapKey? = nil
            var entryValue: Value? = nil
            var keep = true
            do throws(CodecError) {
                while reader.position < reader.limit {
                    let inner = try reader.readKey()
                    let number = inner >> 3
                    let wire = UInt8(truncatingIfNeeded: inner & 7)
                    if number == 1, wire == keyInfo.type.wireType.rawValue {
                        entryKey = try readMapKey(keyInfo)
                    } else if number == 2, wire == valueInfo.type.wireType.rawValue {
                        switch valueInfo.type {
                        case .message:
                            let length = try reader.readLength()
                            var message = entryValue?.messageValue ?? valueInfo.messageLayout!.makeMessage()
                            entryValue = nil
                            try decodeNested(&message, length: length, depth: depth + 2)
                            entryValue = .message(message)
                        case .enum:
                            let number = Int32(truncatingIfNeeded: try reader.readVarint())
                            keep =
                                !valueInfo.flags.contains(.closedEnum)
                                || valueInfo.enumType?.value(number: number) != nil
                            entryValue = .enumNumber(number)
                        default:
                            entryValue = try readScalar(valueInfo)
                        }
                    } else {
                        try reader.skipValue(key: inner, depthLeft: options.recursionLimit - depth - 1)
                    }
                }
            } catch {
                throw error.at("[\(map.count)]")
            }
            reader.limit = savedLimit
            if keep {
                let mapKey = entryKey ?? MapKey(entryLayout.defaults[keyInfo.slot] ?? .int32(0)) ?? .int32(0)
                let value = entryValue ?? entryLayout.unsetValue(of: valueInfo)
                map.insertOrReplace(mapKey, value)
            } else {
                unknown.append(contentsOf: reader.bytes(from: entryStart))
            }
            entryStart = reader.position
        } while nextKeyIs(key)
        slot = map.isEmpty ? nil : .map(map)
    }

    /// Reads a map key straight into a ``MapKey``: going through ``Value`` would copy (and retain) a
    /// string key once more for every entry.
    @inline(__always)
    private mutating func readMapKey(_ info: FieldInfo) throws(CodecError) -> MapKey {
        switch info.type {
        case .string: return .string(try readString(info))
        default: return MapKey(try readScalar(info)) ?? .int32(0)  // key types always convert
        }
    }
}

extension MessageLayout {
    /// A new, empty message of this layout's type.
    func makeMessage() -> DynamicMessage {
        DynamicMessage(storage: MessageStorage.make(type: MessageType(registry: registry, layout: self)))
    }
}
