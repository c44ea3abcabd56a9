import GRPCWire
import Metrics
import ProtoCodec

extension CallParams {
    /// Where params are used, for the error prefix k6 gives each.
    public enum Context: Sendable {
        /// `client.invoke()` and `client.asyncInvoke()`: `invalid GRPC's client.invoke() parameters: ...`.
        case invoke
        /// `new Stream()`: `invalid GRPC Stream's parameters: ...`.
        case stream
    }

    /// Parses k6's call params object (`metadata`, `tags`, `timeout`, `discardResponseMessage`) with k6's
    /// validation; `nil` or `null` means defaults.
    public init(json: JSONValue?, context: Context = .invoke) throws(EngineError) {
        self.init()
        do throws(ParamsError) {
            try apply(json ?? .null)
        } catch {
            let prefix =
                switch context {
                case .invoke: "invalid GRPC's client.invoke() parameters: "
                case .stream: "invalid GRPC Stream's parameters: "
                }
            throw EngineError(.invalidParameters, prefix + error.message)
        }
    }

    private mutating func apply(_ json: JSONValue) throws(ParamsError) {
        if json.isNull { return }
        guard case .object(let object) = json else {
            throw ParamsError("must be an object, got \(GoFormat.goSyntax(json))")
        }
        for member in object.members {
            let value = member.value
            switch member.key {
            case "metadata":
                do throws(ParamsError) {
                    metadata = try MetadataJSON.parse(value)
                } catch {
                    throw ParamsError("invalid metadata param: \(error.message)")
                }
            case "tags":
                tags = try Self.tags(value)
            case "timeout":
                do throws(DurationError) {
                    let duration = try K6Duration.parse(value)
                    timeout = duration == .zero ? nil : duration
                } catch {
                    throw ParamsError("invalid timeout value: \(error.message)")
                }
            case "discardResponseMessage":
                discardResponseMessage = Self.truthy(value)
            default:
                throw ParamsError("unknown param: \(GoFormat.quoted(member.key))")
            }
        }
    }

    /// k6's `ApplyCustomUserTags`: strings, numbers and booleans, turned into strings.
    private static func tags(_ value: JSONValue) throws(ParamsError) -> TagSet {
        guard case .object(let object) = value else {
            if value.isNull { return .empty }
            throw ParamsError("metric tags: invalid metric tags: must be an object")
        }
        var tags = TagSet()
        for member in object.members {
            let text: String
            switch member.value {
            case .string(let string): text = string
            case .bool(let flag): text = flag ? "true" : "false"
            case .number(let number): text = number.int64Value.map(String.init) ?? number.text
            default:
                throw ParamsError(
                    "metric tags: invalid value for metric tag '\(member.key)': only String, Boolean and Number "
                        + "types are accepted as a metric tag values")
            }
            tags.set(member.key, text)
        }
        return tags
    }

    /// JavaScript's `ToBoolean`.
    private static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: false
        case .bool(let flag): flag
        case .number(let number): number.doubleValue != 0 && !number.doubleValue.isNaN
        case .string(let text): !text.isEmpty
        case .array, .object: true
        }
    }
}
