import GRPCWire
import ProtoCodec

extension ConnectParams {
    /// Parses k6's `connect` params object with k6's validation: unknown keys, wrong types and bad values
    /// throw `invalid grpc.connect() parameters: ...` with k6's wording. `nil` or `null` means defaults.
    public init(json: JSONValue?) throws(EngineError) {
        self.init()
        do throws(ParamsError) {
            try apply(json ?? .null)
        } catch {
            throw EngineError(.invalidParameters, "invalid grpc.connect() parameters: \(error.message)")
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
            case "plaintext":
                guard case .bool(let flag) = value else {
                    throw ParamsError("invalid plaintext value: '\(GoFormat.goSyntax(value))', it needs to be boolean")
                }
                plaintext = flag
            case "reflect":
                guard case .bool(let flag) = value else {
                    throw ParamsError("invalid reflect value: '\(GoFormat.goSyntax(value))', it needs to be boolean")
                }
                reflect = flag
            case "reflectMetadata":
                do throws(ParamsError) {
                    reflectMetadata = try MetadataJSON.parse(value)
                } catch {
                    throw ParamsError("invalid reflectMetadata param: \(error.message)")
                }
            case "timeout":
                do throws(DurationError) {
                    timeout = try K6Duration.parse(value)
                } catch {
                    throw ParamsError("invalid timeout value: \(error.message)")
                }
            case "maxReceiveSize":
                maxReceiveSize = try Self.size(value, name: "maxReceiveSize")
            case "maxSendSize":
                maxSendSize = try Self.size(value, name: "maxSendSize")
            case "tls":
                tls = try TLSParams.parse(value)
            case "authority":
                guard case .string(let text) = value else {
                    throw ParamsError("invalid authority value: '\(GoFormat.goSyntax(value))', it needs to be a string")
                }
                authority = text.isEmpty ? nil : text
            case "connectionSharing":
                // k6 v2's experimental sharing across VUs; connections here belong to whoever drives the
                // clients (the replayer shares them by design), so the flag is accepted and has no effect.
                guard case .bool = value else {
                    throw ParamsError(
                        "invalid connectionSharing value: '\(GoFormat.goSyntax(value))', it needs to be boolean")
                }
            default:
                throw ParamsError("unknown connect param: \(GoFormat.quoted(member.key))")
            }
        }
    }

    private static func size(_ value: JSONValue, name: String) throws(ParamsError) -> Int {
        guard case .number(let number) = value, let integer = number.int64Value else {
            throw ParamsError("invalid \(name) value: '\(GoFormat.goSyntax(value))', it needs to be an integer")
        }
        guard integer >= 0 else {
            // k6's message lacks the closing quote; kept as is.
            throw ParamsError("invalid \(name) value: '\(integer), it needs to be a positive integer")
        }
        return Int(integer)
    }
}

extension TLSParams {
    /// k6's `tls` object: optional `cert`, `key`, `password` (strings) and `cacerts` (a string or strings).
    static func parse(_ value: JSONValue) throws(ParamsError) -> TLSParams {
        guard case .object(let object) = value else {
            throw ParamsError(
                "invalid tls value: '\(GoFormat.goSyntax(value))', expected (optional) keys: cert, key, password, "
                    + "and cacerts")
        }
        var params = TLSParams()
        let shown = GoFormat.goSyntax(value)
        if let cert = object["cert"] {
            guard case .string(let text) = cert else {
                throw ParamsError("invalid tls cert value: '\(shown)', it needs to be a PEM formatted string")
            }
            params.cert = text
        }
        if let key = object["key"] {
            guard case .string(let text) = key else {
                throw ParamsError("invalid tls key value: '\(shown)', it needs to be a PEM formatted string")
            }
            params.key = text
        }
        if let password = object["password"] {
            guard case .string(let text) = password else {
                throw ParamsError("invalid tls password value: '\(shown)', it needs to be a string")
            }
            params.password = text
        }
        if let cacerts = object["cacerts"] {
            switch cacerts {
            case .string(let text):
                params.cacerts = [text]
            case .array(let items):
                var texts: [String] = []
                for item in items {
                    guard case .string(let text) = item else {
                        throw ParamsError(
                            "invalid tls cacerts value: '\(shown)', it needs to be a string or an array of PEM "
                                + "formatted strings")
                    }
                    texts.append(text)
                }
                params.cacerts = texts
            default:
                throw ParamsError(
                    "invalid tls cacerts value: '\(shown)', it needs to be a string or an array of PEM formatted "
                        + "strings")
            }
        }
        return params
    }
}
