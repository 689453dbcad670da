import ATSBridgeCore

/// Walks every page of a RECRU list method, several pages at a time, mapping each page where it
/// was fetched (from its raw answer) so that only `Sendable` values cross tasks.
///
/// RECRU pages by offset, so a record added or removed upstream during the walk shifts the
/// pages after it. The walk notices (the `total` changes, or the items do not add up to it)
/// and reports itself unstable; the caller then does not tombstone from it.
struct RECRUPageWalker {
    let client: RECRUClient
    /// Records per page, 1–200.
    let pageSize: Int
    /// Pages fetched at once; 1 walks them in order.
    let concurrency: Int

    init(client: RECRUClient, pageSize: Int, concurrency: Int) {
        self.client = client
        self.pageSize = min(200, max(1, pageSize))
        self.concurrency = max(1, concurrency)
    }

    /// Walks `method`, calling `body` with each mapped page (in page order only when
    /// `concurrency` is 1).
    ///
    /// - Returns: Whether the listing was stable, so that what it missed really is gone.
    func walk<T: Sendable>(
        _ method: RECRUMethod,
        _ params: [String: String] = [:],
        map: @escaping @Sendable (RECRUClient.RawAnswer, JSONReader.ListPage) async throws -> T,
        _ body: (T) async throws -> Void
    ) async throws -> Bool {
        let first = try await self.page(method, params, 1, map)
        var totals: Set<Int> = [first.total]
        var received = first.count
        try await body(first.value)
        let pages = max(1, (first.total + self.pageSize - 1) / self.pageSize)
        guard pages > 1 else { return received == first.total }
        try await withThrowingTaskGroup(of: Fetched<T>.self) { group in
            var next = 2
            while next <= pages, next - 2 < self.concurrency {
                let number = next
                group.addTask { try await self.page(method, params, number, map) }
                next += 1
            }
            while let fetched = try await group.next() {
                totals.insert(fetched.total)
                received += fetched.count
                try await body(fetched.value)
                if next <= pages {
                    let number = next
                    group.addTask { try await self.page(method, params, number, map) }
                    next += 1
                }
            }
        }
        return totals.count == 1 && received == first.total
    }

    private struct Fetched<T: Sendable>: Sendable {
        var value: T
        var count: Int
        var total: Int
    }

    private func page<T: Sendable>(
        _ method: RECRUMethod,
        _ params: [String: String],
        _ number: Int,
        _ map: @Sendable (RECRUClient.RawAnswer, JSONReader.ListPage) async throws -> T
    ) async throws -> Fetched<T> {
        var request: [String: Any] = params
        request["page"] = number
        request["limit"] = self.pageSize
        let answer = try await self.client.callRaw(method, request)
        // Items are located, not parsed: the mapping parses only those it maps.
        guard let list = try? JSONReader.listPage(answer.body, answer.result) else {
            throw ATSBridgeError(.remoteUnknown, "RECRU answered \(method.rawValue) with an unexpected shape")
        }
        return Fetched(value: try await map(answer, list), count: list.items.count, total: list.total)
    }
}
