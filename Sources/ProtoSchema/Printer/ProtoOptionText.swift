import Foundation
import SwiftProtobuf

/// Options messages and literals as `.proto` source text.
enum ProtoOptionText {
    /// `name = value` for every standard option set in `options` (nested ones as `features.field_presence =
    /// EXPLICIT`), in field-number order. Custom options (extensions, unknown fields here) are left out.
    static func assignments(_ options: some SwiftProtobuf.Message, custom: CustomOptionText? = nil) -> [String] {
        var encoding = TextFormatEncodingOptions()
        encoding.printUnknownFields = false
        let text = options.textFormatString(options: encoding)
        var result: [String] = []
        var prefix: [String] = []
        // A message-valued option other than `features` (which reads best flattened) is written as one
        // aggregate value, `name = { ... }`: a repeated one (`edition_defaults`) can't be written otherwise.
        var aggregate: (name: String, depth: Int, parts: [String])?
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if var open = aggregate {
                if line == "}" {
                    open.depth -= 1
                    if open.depth == 0 {
                        result.append("\(open.name) = { \(open.parts.joined(separator: " ")) }")
                        aggregate = nil
                        continue
                    }
                } else if line.hasSuffix(" {") {
                    open.depth += 1
                }
                open.parts.append(line)
                aggregate = open
            } else if line == "}" {
                prefix.removeLast()
            } else if line.hasSuffix(" {") {
                let name = String(line.dropLast(2))
                if prefix.isEmpty, name != "features" {
                    aggregate = (name, 1, [])
                } else {
                    prefix.append(name)
                }
            } else if let colon = line.firstIndex(of: ":") {
                let name = (prefix + [String(line[..<colon])]).joined(separator: ".")
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                result.append("\(name) = \(value)")
            }
        }
        if let custom {
            result += custom.assignments(options.unknownFields.data, extendee: type(of: options).protoMessageName)
            if let features = features(of: options) {
                result += custom.assignments(
                    features.unknownFields.data, extendee: "google.protobuf.FeatureSet", prefix: "features.")
            }
        }
        return result
    }

    /// The `features` every options message has (nil when not set).
    static func features(of options: some SwiftProtobuf.Message) -> Google_Protobuf_FeatureSet? {
        switch options {
        case let o as Google_Protobuf_FileOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_MessageOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_FieldOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_OneofOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_EnumOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_EnumValueOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_ServiceOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_MethodOptions: o.hasFeatures ? o.features : nil
        case let o as Google_Protobuf_ExtensionRangeOptions: o.hasFeatures ? o.features : nil
        default: nil
        }
    }

    /// A string literal: quotes, backslashes and non-printable bytes escaped.
    static func quoted(_ text: String) -> String { quoted(bytes: Array(text.utf8)) }

    /// A string literal of arbitrary bytes.
    static func quoted(bytes: [UInt8]) -> String {
        var result = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): result += "\\\""
            case UInt8(ascii: "\\"): result += "\\\\"
            case UInt8(ascii: "\n"): result += "\\n"
            case 0x20..<0x7F: result.append(Character(Unicode.Scalar(byte)))
            default:
                let octal = String(byte, radix: 8)
                result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return result + "\""
    }

    /// `2023` for `.edition2023`.
    static func editionName(_ edition: Google_Protobuf_Edition) -> String {
        switch edition {
        case .edition2023: "2023"
        case .edition2024: "2024"
        default: "\(edition.rawValue)"
        }
    }
}
