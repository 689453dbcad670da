import ATSBridgeCore
import GRDB
import Testing

@testable import ATSBridgeStoreSQLite

/// How SQLite's failures reach callers.
@Suite struct SQLiteStoreErrorTests {
    /// GRDB interrupts SQLite when a task is cancelled; a statement stepped through the C API then
    /// fails with `SQLITE_INTERRUPT`. Callers must see the cancellation, not a failing store (a
    /// server would otherwise count a client's cancel as UNAVAILABLE).
    @Test func anInterruptedStatementIsACancellation() {
        let error = SQLiteStore.storeError(DatabaseError(resultCode: .SQLITE_INTERRUPT, message: "page scan failed"))
        #expect(error is CancellationError)
    }

    @Test func otherFailuresAreTypedStoreErrors() {
        let corrupt = SQLiteStore.storeError(DatabaseError(resultCode: .SQLITE_CORRUPT), opening: "/data/x.db")
        #expect((corrupt as? ATSBridgeError)?.code == .storeCorrupt)
        let busy = SQLiteStore.storeError(DatabaseError(resultCode: .SQLITE_BUSY))
        #expect((busy as? ATSBridgeError)?.code == .storeUnavailable)
        #expect(SQLiteStore.storeError(CancellationError()) is CancellationError)
    }
}
