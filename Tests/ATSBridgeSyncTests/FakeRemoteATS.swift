import ATSBridgeCore
import ATSBridgeProto
import Synchronization

/// A remote ATS made of lists the test sets: the sync engine against Core's port alone, with no
/// vendor, sandbox or socket.
final class FakeRemoteATS: RemoteATS, RemoteATSConnection {
    /// What listing a model returns: its pages, and whether the listing was stable.
    struct Listing: Sendable {
        var pages: [RemotePage]
        var stable = true
    }

    private let listings = Mutex<[Model: Listing]>([:])
    /// The `changedSince` each listing was asked with.
    let askedSince = Mutex<[Model: Int64?]>([:])

    var name: String { "Fake" }
    var coverage: IntegrationCoverage { IntegrationCoverage() }
    var changedSinceModels: Set<Model> { [.job] }
    var remoteTime: Duration { .zero }

    /// Sets what listing `model` returns.
    func set(_ model: Model, _ listing: Listing) {
        self.listings.withLock { $0[model] = listing }
    }

    func validateCredentials(_ account: RemoteATSAccount) async throws {}

    func connection(to account: RemoteATSAccount, for use: RemoteATSUse) -> any RemoteATSConnection { self }

    func list(
        _ model: Model,
        _ options: RemoteListingOptions,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool {
        self.askedSince.withLock { $0[model] = options.changedSince }
        let listing = self.listings.withLock { $0[model] } ?? Listing(pages: [])
        for page in listing.pages { try await body(page) }
        return listing.stable
    }

    func createApplication(
        _ command: (_ withAttachments: Bool) async throws -> RemoteApplicationCommand,
        resumingFrom progress: RemoteWriteProgress,
        checkpoint: (RemoteWriteProgress) async throws -> Void
    ) async throws -> CreatedApplication {
        throw ATSBridgeError(.unimplemented, "the fake remote takes no writes")
    }

    func tags() async throws -> [Tag] { [] }

    func candidateTag(candidateRemoteID: String, tag: Tag) -> CandidateTag {
        CandidateTag(id: "\(candidateRemoteID)-\(tag.id)", candidateID: candidateRemoteID, tagID: tag.id)
    }

    func addCandidateTag(candidateRemoteID: String, tag: Tag) async throws -> CandidateTag {
        throw ATSBridgeError(.unimplemented, "the fake remote takes no writes")
    }
}
