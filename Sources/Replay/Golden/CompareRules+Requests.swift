import ProtoCodec

extension CompareRules {
    /// The field paths where a received message differs from a recorded one under these rules, in the
    /// check's syntax (`items[2].id`; `""` for the whole message when one side is not an object). `method`
    /// and `message` (the message's index in its call) select the rules that apply, as for responses. The
    /// mock matches requests with this.
    public func differingPaths(recorded: JSONValue, received: JSONValue, method: String, message: Int) -> [String] {
        differingFields(recorded: recorded, received: received, method: method, message: message).map(\.path)
    }

    /// The same differences with both sides' values as JSON text (nil where a side has no such field).
    public func differingFields(recorded: JSONValue, received: JSONValue, method: String, message: Int) -> [(
        path: String, recorded: String?, received: String?
    )] {
        JSONDiff(rules: self, method: method, message: message, usage: nil)
            .differences(recorded, received)
            .map { (FieldPath.render($0.path), $0.expected?.jsonString(), $0.actual?.jsonString()) }
    }
}
