public import ATSBridgeCore
import ATSBridgeProto
public import ATSBridgeRPC

/// `atsbridge.v1.Changes`: a server stream of an integration's committed changes, resumable
/// from a sequence number: the push alternative to webhooks, with record ids.
///
/// Events come from the store's change log in sequence order. Consecutive log entries of one
/// model and kind are sent as one event holding all their ids, with the last entry's sequence,
/// so a client that resumes after any event's sequence misses nothing and gets nothing twice.
/// When caught up, the stream polls the log every ``pollInterval``.
public struct ChangesService: Sendable {
    private let store: any Store
    private let gate: IntegrationReadGate?
    /// How often a caught-up stream looks for new changes.
    public let pollInterval: Duration
    /// Log entries read per store query.
    public let batchSize: Int

    /// Creates the service.
    public init(
        store: any Store,
        gate: IntegrationReadGate?,
        pollInterval: Duration = .milliseconds(250),
        batchSize: Int = 1000
    ) {
        self.store = store
        self.gate = gate
        self.pollInterval = pollInterval
        self.batchSize = batchSize
    }

    /// Registers `Watch`.
    public func register(in router: inout RPCRouter) {
        let service = self
        // A watch never ends by itself: it ends at once when the server shuts down.
        router.serverStreaming(ATSBridgeProto.ChangesService.watch, access: .readIntegration, endsOnShutdown: true) {
            request,
            writer,
            context in
            try await service.watch(request, context.integrationID) { try await writer.write($0) }
        }
    }

    private func watch(
        _ request: WatchRequest,
        _ integrationID: String,
        _ send: (ChangeEventBatch) async throws -> Void
    ) async throws {
        try await self.gate?.check(integrationID)
        var after = try await self.store.lastChangeSequence(integrationID: integrationID)
        if let sequence = request.afterSequence {
            // A sequence the log never reached comes from another store (or one restored from
            // an older backup): waiting for the log to pass it would skip changes silently.
            guard sequence <= after else {
                throw ATSBridgeError(
                    .inputInvalid,
                    "after_sequence \(sequence) is past the last change of the integration (\(after)); "
                        + "resume from a sequence this server sent, or watch from 0"
                )
            }
            after = sequence
        }
        if request.announceStart == true { try await send(ChangeEventBatch(startSequence: after)) }
        let models = Set(request.models)
        while true {
            try Task.checkCancellation()
            let entries = try await self.store.changes(
                integrationID: integrationID,
                after: after,
                limit: self.batchSize
            )
            guard let last = entries.last else {
                try await Task.sleep(for: self.pollInterval)
                continue
            }
            after = last.sequence
            let events = Self.coalesce(entries.filter { models.isEmpty || ($0.model.map(models.contains) ?? false) })
            if !events.isEmpty { try await send(ChangeEventBatch(events: events)) }
        }
    }

    /// Merges runs of entries with the same model and kind into one event each.
    static func coalesce(_ entries: [ChangeEvent]) -> [ChangeEvent] {
        var events: [ChangeEvent] = []
        for entry in entries {
            if var last = events.last, last.model == entry.model, last.kind == entry.kind {
                last.ids += entry.ids
                last.sequence = entry.sequence
                last.committedAt = entry.committedAt
                events[events.count - 1] = last
            } else {
                events.append(entry)
            }
        }
        return events
    }
}
