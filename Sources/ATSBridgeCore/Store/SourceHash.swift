public import ATSBridgeProto
import Crypto

/// A fingerprint of one remote record as the remote sent it (its raw bytes and the version of
/// the mapping that read them), with the records it was mapped to.
///
/// A sync that gets the same fingerprint again skips mapping and writing that source: what the
/// mapping would produce is already stored. Which sources are fingerprinted, and how, is the
/// remote adapter's business; the store only remembers them (``SourceHashStore``).
public struct SourceHash: Sendable, Hashable {
    /// The model of the record the source maps to (a RECRU jobseeker: candidate).
    public var model: Model
    /// The source's id at the remote.
    public var remoteID: String
    /// The fingerprint: a hash of the raw source and the mapping's version.
    public var hash: [UInt8]
    /// The ATSBridge id of the record the source maps to.
    public var recordID: String
    /// The other records mapped from the same source (a jobseeker's candidate-tag joins, a
    /// project's stages, stage joins and hiring team), by model: a sync that skips the source
    /// still counts them as seen, so a full sync does not tombstone them.
    public var related: [Model: [String]]

    /// Creates a fingerprint.
    public init(model: Model, remoteID: String, hash: [UInt8], recordID: String, related: [Model: [String]] = [:]) {
        self.model = model
        self.remoteID = remoteID
        self.hash = hash
        self.recordID = recordID
        self.related = related
    }

    /// The fingerprint of a source's raw bytes read by version `mappingVersion` of a mapping:
    /// SHA-256, truncated to 16 bytes like the records' own hashes.
    public static func fingerprint(of source: UnsafeRawBufferPointer, mappingVersion: UInt32) -> [UInt8] {
        var hasher = SHA256()
        withUnsafeBytes(of: mappingVersion.littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: source)
        return Array(hasher.finalize().prefix(16))
    }
}
