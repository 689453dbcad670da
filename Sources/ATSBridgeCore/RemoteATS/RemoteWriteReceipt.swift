/// What a remote create made: the created records' remote ids, and the adapter's own encoding
/// of it, which the house saves as the checkpoint of an idempotent create before the store is
/// written, so that a retry never writes to the remote twice.
public struct RemoteWriteReceipt: Sendable, Hashable {
    /// The created candidate's remote id.
    public var candidateRemoteID: String
    /// The created application's remote id.
    public var applicationRemoteID: String
    /// The checkpoint: opaque to the house, given back to the adapter to resume.
    public var checkpoint: [UInt8]

    /// Creates a receipt.
    public init(candidateRemoteID: String, applicationRemoteID: String, checkpoint: [UInt8]) {
        self.candidateRemoteID = candidateRemoteID
        self.applicationRemoteID = applicationRemoteID
        self.checkpoint = checkpoint
    }
}
