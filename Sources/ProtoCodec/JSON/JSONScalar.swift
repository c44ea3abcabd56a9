import GRPCProtocol
import ProtoSchema

/// Scalar field values from JSON, with protojson's rules: integers as numbers or numeric strings
/// (exactly, never through `Double`), floats also as `"NaN"`/`"Infinity"`/`"-Infinity"`, bytes as
/// standard or URL-safe base64.
enum JSONScalar {
    static func read(_ json: JSONValue, _ info: FieldInfo) throws(CodecError) -> Value {
        switch info.kind {
        case .bool:
            guard case .bool(let v) = json else { throw expected("a boolean", info, json) }
            return .bool(v)
        case .int32:
            guard let (negative, magnitude) = integer(json), let v = signed(negative, magnitude),
                let v32 = Int32(exactly: v)
            else { throw expected("a 32-bit integer", info, json) }
            return .int32(v32)
        case .int64:
            guard let (negative, magnitude) = integer(json), let v = signed(negative, magnitude) else {
                throw expected("a 64-bit integer (a number or a string of digits)", info, json)
            }
            return .int64(v)
        case .uint32:
            guard let (negative, magnitude) = integer(json), !negative || magnitude == 0,
                let v = UInt32(exactly: magnitude)
            else { throw expected("an unsigned 32-bit integer", info, json) }
            return .uint32(v)
        case .uint64:
            guard let (negative, magnitude) = integer(json), !negative || magnitude == 0 else {
                throw expected("an unsigned 64-bit integer (a number or a string of digits)", info, json)
            }
            return .uint64(magnitude)
        case .float:
            guard let v = floating(json, info) else {
                throw expected("a float (a number, or \"NaN\", \"Infinity\", \"-Infinity\")", info, json)
            }
            guard let f = Float(exactly: v) ?? floatValue(json), !f.isInfinite || v.isInfinite else {
                throw CodecError(.invalidValue, "\(v) is out of range for a float (field \(info.name))")
            }
            return .float(f)
        case .double:
            guard let v = floating(json, info) else {
                throw expected("a double (a number, or \"NaN\", \"Infinity\", \"-Infinity\")", info, json)
            }
            return .double(v)
        case .string:
            guard case .string(let v) = json else { throw expected("a string", info, json) }
            return .string(v)
        case .bytes:
            guard case .string(let text) = json else { throw expected("a base64 string", info, json) }
            guard let bytes = Base64.decode(text, options: .urlSafeAlphabet) else {
                throw CodecError(.invalidValue, "\(JSONWriter.quoted(text)) is not valid base64 (field \(info.name))")
            }
            return .bytes(bytes)
        case .enumNumber, .message:
            preconditionFailure("not a scalar")
        }
    }

    private static func expected(_ what: String, _ info: FieldInfo, _ json: JSONValue) -> CodecError {
        var got = json.typeName
        switch json {
        case .number(let n): got += " \(n.text)"
        case .string(let s): got += " \(JSONWriter.quoted(String(s.prefix(40))))"
        default: break
        }
        return CodecError(.invalidValue, "expected \(what) for field \(info.name), got \(got)")
    }

    /// The sign and magnitude of an integer given as a JSON number or a string holding a JSON number.
    private static func integer(_ json: JSONValue) -> (Bool, UInt64)? {
        switch json {
        case .number(let number):
            return ExactInteger.parse(number.text.utf8)
        case .string(let text):
            let bytes = Array(text.utf8)
            guard JSONNumber.isValid(bytes[...]) else { return nil }
            return ExactInteger.parse(bytes)
        default:
            return nil
        }
    }

    private static func signed(_ negative: Bool, _ magnitude: UInt64) -> Int64? {
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return .min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return Int64(exactly: magnitude)
    }

    /// A float or double from a number, a numeric string, or the names of the non-finite values.
    /// Finite text that overflows a double is rejected.
    private static func floating(_ json: JSONValue, _ info: FieldInfo) -> Double? {
        let text: String
        switch json {
        case .number(let number):
            text = number.text
        case .string(let s):
            switch s {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard JSONNumber.isValid(Array(s.utf8)[...]) else { return nil }
                text = s
            }
        default:
            return nil
        }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The float nearest to the number's text (rounded once, from the decimal text).
    private static func floatValue(_ json: JSONValue) -> Float? {
        switch json {
        case .number(let number): Float(number.text)
        case .string(let s): Float(s)
        default: nil
        }
    }
}
