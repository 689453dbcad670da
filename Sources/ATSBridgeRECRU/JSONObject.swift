/// A JSON object whose members keep the order they were written in, as PHP's `json_encode`
/// keeps an array's: RECRU sends a record's keys in a stable order, so a record that did not
/// change arrives as the same bytes (which unchanged-source fingerprints rely on). The sandbox
/// answers with these; a Swift dictionary's order differs from one instance to the next.
package struct JSONObject: ExpressibleByDictionaryLiteral {
    /// The members, in order.
    package var members: [(key: String, value: Any)]

    /// An object of `elements`, in order.
    package init(dictionaryLiteral elements: (String, Any)...) {
        self.members = elements.map { (key: $0.0, value: $0.1) }
    }

    /// The value of `key` (the last one when a key repeats).
    package subscript(key: String) -> Any? {
        self.members.last { $0.key == key }?.value
    }
}
