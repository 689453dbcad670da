import ATSBridgeCore
import ATSBridgeProto
import Synchronization
import Testing

/// The default ``RecordReading/pages(_:budget:)``: pages through `page(_:budget:)`, one ahead of the caller.
@Suite struct PrefetchingPagesTests {
    /// Three pages, the second of which fails the first time it is read.
    final class FlakyReader: RecordReading {
        let reads = Mutex<[String?]>([])

        func page(_ query: RecordQuery, budget: ReadMemoryBudget?) async throws -> RecordPage {
            let cursor = query.cursor
            let earlier = self.reads.withLock { reads in
                defer { reads.append(cursor) }
                return reads.filter { $0 == cursor }.count
            }
            switch cursor {
            case nil: return RecordPage(records: [[0x0A, 0x01, 0x61]], nextCursor: "2")
            case "2" where earlier == 0: throw ATSBridgeError(.storeUnavailable, "the store went away")
            case "2": return RecordPage(records: [[0x0A, 0x01, 0x62]], nextCursor: "3")
            default: return RecordPage(records: [[0x0A, 0x01, 0x63]], nextCursor: nil)
            }
        }

        func record(_ model: Model, id: String, integrationID: String, includeDeleted: Bool) async throws -> [UInt8]? {
            nil
        }
    }

    @Test func aFailedPageEndsTheListWithItsError() async throws {
        let reader = FlakyReader()
        var pages = reader.pages(RecordQuery(integrationID: "int-1", model: .candidate)).makeAsyncIterator()
        #expect(try await pages.next()?.nextCursor == "2")
        await #expect { _ = try await pages.next() } throws: { ($0 as? ATSBridgeError)?.code == .storeUnavailable }
        // Not read again, and not a silent end: the list failed.
        await #expect { _ = try await pages.next() } throws: { ($0 as? ATSBridgeError)?.code == .storeUnavailable }
        #expect(reader.reads.withLock { $0 } == [nil, "2"])
    }

    @Test func everyPageComesOnceInOrder() async throws {
        let reader = FlakyReader()
        _ = try? await reader.page(RecordQuery(integrationID: "int-1", model: .candidate, cursor: "2"))
        var cursors: [String?] = []
        for try await page in reader.pages(RecordQuery(integrationID: "int-1", model: .candidate)) {
            cursors.append(page.nextCursor)
        }
        #expect(cursors == ["2", "3", nil])
    }
}
