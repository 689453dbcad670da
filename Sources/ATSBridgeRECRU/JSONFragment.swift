/// JSON text that is already written, embedded as it is by ``JSONWriter``: the sandbox writes
/// its large list pages straight into bytes instead of building an object per record first.
package struct JSONFragment: Sendable {
    /// One complete JSON value.
    package var bytes: [UInt8]

    /// A fragment of `bytes`, which must hold one complete JSON value.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}
