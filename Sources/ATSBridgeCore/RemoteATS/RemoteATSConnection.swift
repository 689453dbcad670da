public import ATSBridgeProto

/// A connection to one integration's account in a remote ATS: listing its records already
/// mapped to the unified model, and the write commands, which return the records they created.
///
/// The adapter owns the session (log-in, re-log-in on expiry), retries of idempotent calls
/// (rate limits with `Retry-After`, faults), and mapping; records it cannot map are counted as
/// skipped, never invented.
public protocol RemoteATSConnection: Sendable {
    /// The models whose listing can be limited to records changed since a time; a delta sync
    /// passes ``RemoteListingOptions/changedSince`` only for these, and lists the others fully.
    var changedSinceModels: Set<Model> { get }

    /// Time spent waiting for the remote's answers so far: the remote's share of a call's
    /// latency, not ATSBridge's.
    var remoteTime: Duration { get }

    /// How the connection paced its requests so far (requests, 429s, the adaptive rate).
    var pacing: RemotePacing { get }

    /// Lists every record of `model`, page by page.
    ///
    /// Pages may be fetched several at a time and arrive out of order; `body` is called with
    /// one page at a time. A page of jobs also carries their stages, stage joins and hiring
    /// team; a page of candidates their tag joins.
    ///
    /// - Returns: Whether the listing was complete and stable (nothing added or removed
    ///   upstream while it ran), so that what it did not list really is gone.
    func list(
        _ model: Model,
        _ options: RemoteListingOptions,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool

    /// Lists every record of `model` like ``list(_:_:_:)``, skipping the mapping of sources
    /// that did not change since a sync last mapped them: `sources` answers what was remembered
    /// for a page's remote ids. A page reports skipped sources' records in
    /// ``RemotePage/unchanged`` and fingerprints the sources it mapped in
    /// ``RemotePage/sources``. Connections that cannot fingerprint list everything.
    func list(
        _ model: Model,
        _ options: RemoteListingOptions,
        sources: @escaping RemoteSourceLookup,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool

    /// Creates a candidate with one application (what both CreateCandidate and
    /// CreateApplication do), and returns the created records as a sync would map them.
    ///
    /// `command` is built only when the remote is really written to (`command(true)`, with the
    /// attachments' bytes), or searched for what an earlier attempt may have created
    /// (`command(false)`, without them): a resumed create does not load its attachments again.
    /// The remote write is never retried blindly:
    /// - once the remote has answered, `checkpoint` receives ``RemoteWriteProgress/answered(_:)``
    ///   before anything else happens; a later attempt resuming from it does not write again, it
    ///   only reads the records back (a checkpoint it cannot read counts as uncertain);
    /// - when the write was sent and its answer lost, `checkpoint` receives
    ///   ``RemoteWriteProgress/uncertain`` before the error is thrown; a later attempt resuming
    ///   from it first looks in the remote for what the lost write created, and writes only when
    ///   it finds nothing.
    /// - Throws: ``ATSBridgeError`` `ATS.APPLICATION_ALREADY_EXISTS`, `ATS.JOB_CLOSED`,
    ///   `REMOTE.INPUT_INVALID`, `REMOTE.*`.
    func createApplication(
        _ command: (_ withAttachments: Bool) async throws -> RemoteApplicationCommand,
        resumingFrom progress: RemoteWriteProgress,
        checkpoint: (RemoteWriteProgress) async throws -> Void
    ) async throws -> CreatedApplication

    /// Every tag the remote has now (it may be newer than the last sync).
    func tags() async throws -> [Tag]

    /// The candidate-tag join that assigning `tag` to the candidate creates, as a sync would
    /// map it (without calling the remote).
    func candidateTag(candidateRemoteID: String, tag: Tag) -> CandidateTag

    /// Assigns an existing tag to a candidate (idempotent in the remote) and returns the join.
    func addCandidateTag(candidateRemoteID: String, tag: Tag) async throws -> CandidateTag
}

/// What a sync remembers of the sources of `model` with these remote ids (``SourceHashStore``).
public typealias RemoteSourceLookup =
    @Sendable (_ model: Model, _ remoteIDs: [String]) async throws -> [String: SourceHash]

extension RemoteATSConnection {
    /// No pacing to report, for connections that do not count their requests.
    public var pacing: RemotePacing { RemotePacing() }

    /// Lists everything, mapping every source: for connections that cannot fingerprint them.
    public func list(
        _ model: Model,
        _ options: RemoteListingOptions,
        sources: @escaping RemoteSourceLookup,
        _ body: (RemotePage) async throws -> Void
    ) async throws -> Bool {
        try await self.list(model, options, body)
    }
}
