/// A message that writes itself as JSON in the unified API's shape: snake_case field names,
/// absent fields as `null`, enums by their unified name, `*_at` times as ISO-8601 UTC, and
/// `remote_data` as the raw JSON it holds.
public protocol JSONWritable {
    /// The message's JSON field names, in field order (CSV columns).
    static var jsonFieldNames: [String] { get }

    /// Appends the message as one JSON object.
    func writeJSON(to json: inout ProtoJSONWriter)
}

/// An open enum with a unified name per known value.
public protocol ProtoEnum: Sendable, Hashable {
    /// The wire number.
    var rawValue: Int32 { get }
    /// The unified API's name, nil when this build does not know the value.
    var name: String? { get }
    /// Every value this build knows, in wire order.
    static var allKnown: [Self] { get }
    /// The value of a wire number (kept as unrecognized when unknown).
    init(rawValue: Int32)
    /// The value of a unified name, nil when unknown.
    init?(name: String)
}

extension JSONWritable {
    /// The message as one line of JSON (no trailing newline).
    public func jsonBytes() -> [UInt8] {
        var writer = ProtoJSONWriter()
        self.writeJSON(to: &writer)
        return writer.bytes
    }
}
