import ProtoSchema

extension DynamicMessage {
    /// Whether every required field (proto2 `required`, editions `LEGACY_REQUIRED`) is set here and in
    /// every nested message.
    public var isInitialized: Bool {
        (try? checkRequiredFields()) != nil
    }

    /// Throws ``CodecError/Code/missingRequired`` with the path of the first required field not set.
    public func checkRequiredFields() throws(CodecError) {
        let layout = layout
        guard layout.mayHaveRequiredFields else { return }
        for slot in layout.requiredSlots where slotValue(slot) == nil {
            let field = layout.fields[slot].descriptor
            throw CodecError(
                .missingRequired, "required field \(field.fullName) is not set", path: "$.\(field.jsonName)")
        }
        for info in layout.fields where info.kind == .message && info.messageLayout?.mayHaveRequiredFields == true {
            guard let value = slotValue(info.slot) else { continue }
            try Self.checkRequired(in: value, info: info, layout: layout)
        }
        for entry in storage.extensions {
            guard let info = layout.extensions[entry.number], info.kind == .message,
                info.messageLayout?.mayHaveRequiredFields == true
            else { continue }
            try Self.checkRequired(in: entry.value, info: info, layout: layout)
        }
    }

    private static func checkRequired(in value: Value, info: FieldInfo, layout: MessageLayout) throws(CodecError) {
        do throws(CodecError) {
            switch value {
            case .message(let message):
                try message.checkRequiredFields()
            case .list(.messages(let list)):
                for (index, message) in list.enumerated() {
                    do throws(CodecError) {
                        try message.checkRequiredFields()
                    } catch {
                        throw error.at("[\(index)]")
                    }
                }
            case .map(let map):
                for entry in map.entries {
                    guard case .message(let message) = entry.value else { continue }
                    do throws(CodecError) {
                        try message.checkRequiredFields()
                    } catch {
                        throw error.at("[\(JSONWriter.quoted(entry.key.jsonText))]")
                    }
                }
            default:
                break
            }
        } catch {
            throw error.inField(info, of: layout)
        }
    }
}
