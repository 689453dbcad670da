import ATSBridgeCore
import ATSBridgeProto
import Foundation

/// List pages mapped from their raw answers, skipping sources that did not change.
extension RECRUConnection {
    /// Maps a list page of `model`. With `lookup`, each item is fingerprinted (its raw bytes and
    /// the mapping's version) and items whose fingerprint is the one remembered are neither
    /// parsed nor mapped: their records are reported unchanged.
    static func map(
        _ model: Model,
        _ answer: RECRUClient.RawAnswer,
        _ list: JSONReader.ListPage,
        _ mapper: RECRUMapper,
        _ lookup: RemoteSourceLookup?
    ) async throws -> RemotePage {
        var builder = RECRUPageBuilder(model: model, mapper: mapper)
        guard let lookup else {
            for item in list.items { builder.add(self.parse(answer, item)) }
            return builder.page
        }
        let fingerprints = answer.body.withUnsafeBytes { body in
            list.items.map {
                SourceHash.fingerprint(
                    of: UnsafeRawBufferPointer(rebasing: body[$0.range]),
                    mappingVersion: mapper.version
                )
            }
        }
        let remembered = try await lookup(model, list.items.compactMap(\.id))
        for (item, fingerprint) in zip(list.items, fingerprints) {
            if let id = item.id, let source = remembered[id], source.hash == fingerprint {
                builder.addUnchanged(source)
            } else {
                builder.add(self.parse(answer, item), remoteID: item.id, fingerprint: fingerprint)
            }
        }
        return builder.page
    }

    /// One item parsed; `NSNull` (skipped by the mapping) if it cannot be.
    private static func parse(_ answer: RECRUClient.RawAnswer, _ item: JSONReader.ListPage.Item) -> Any {
        (try? JSONReader.parse(answer.body, item.range)) ?? NSNull()
    }
}
