import Foundation
import Testing

/// Several `atsbridge serve` processes on one PostgreSQL (docs/scale-out.md), end to end: real
/// processes, a real PostgreSQL from `ATSBRIDGE_TEST_POSTGRES_URL` (the tests fail, with how to
/// start one, when it is missing), the sandbox over real HTTP.
@Suite(.serialized) struct ScaleOutTests {
    /// Lease settings short enough for a takeover within a test; the defaults are 60 s / 15 s.
    static let shortLease = ["ATSBRIDGE_SYNC_LEASE_DURATION": "8s", "ATSBRIDGE_SYNC_LEASE_RENEWAL": "2s"]

    /// Runs `body` on a cluster, stopping it (and dropping its database) however it ends.
    func withCluster(
        instances: Int = 2,
        sandbox: [String] = [],
        environment: [String: String] = [:],
        start: Bool = true,
        _ body: (ScaleOutCluster) async throws -> Void
    ) async throws {
        let cluster = try await ScaleOutCluster(instances: instances, sandbox: sandbox, environment: environment)
        do {
            if start { try await cluster.start() }
            try await body(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// The runs that really ran (they hold the lease from start to finish), oldest first, with
    /// the check that no two of them overlap in time.
    static func expectNoOverlap(_ runs: [[String: Any]]) -> [(id: String, start: Date, end: Date)] {
        let ran = runs.compactMap { run -> (id: String, start: Date, end: Date)? in
            guard let id = run["id"] as? String, let start = ScaleOutCluster.date(run["started_at"]) else {
                return nil
            }
            let end = ScaleOutCluster.date(run["finished_at"]) ?? .distantFuture
            return (id, start, end)
        }.sorted { $0.start < $1.start }
        for (earlier, later) in zip(ran, ran.dropFirst()) {
            #expect(
                earlier.end <= later.start,
                "run \(later.id) started at \(later.start) before run \(earlier.id) ended at \(earlier.end)"
            )
        }
        return ran
    }

    /// A record as the unified API shows it, without what differs between two stores holding
    /// the same data: ATSBridge ids (derived from the integration's random id) and the times
    /// the store itself set. Remote ids and every field from RECRU stay.
    static func canonical(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, field) in object {
                if key == "id" || key == "changed_at" || (key.hasSuffix("_id") && key != "remote_id") { continue }
                if key.hasSuffix("_ids") { continue }
                result[key] = self.canonical(field)
            }
            return result
        }
        if let list = value as? [Any] {
            // Nested lists are in ATSBridge-id order, and ids differ between the two stores.
            return list.map { self.canonical($0) }.sorted { self.text($0) < self.text($1) }
        }
        return value
    }

    /// A JSON value as text with sorted keys: a stable sort key.
    static func text(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return "\(value)" }
        return String(decoding: data, as: UTF8.self)
    }

    static func canonicalLines(_ records: [[String: Any]]) throws -> [String] {
        try records.map { record in
            let data = try JSONSerialization.data(withJSONObject: self.canonical(record), options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }.sorted()
    }
}
