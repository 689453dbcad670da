import Foundation
import Testing

@testable import ATSBridgeProto

/// A server's heap grows during a first sync (two write batches of up to 10,000 records) and
/// glibc keeps freed memory below its top for the process's life; the sync hands it back.
@Suite struct HeapReleaseTests {
    /// Resident memory of this process, from /proc (Linux).
    private func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return (Int(line.filter(\.isNumber)) ?? 0) * 1024
    }

    /// Measured from the peak, while the blocks are held: a trim that another test's sync
    /// starts in between can only help.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status")))
    func freedMemoryBelowTheHeapsTopGoesBackToTheSystem() throws {
        // 64 MB in blocks of 2 KB (far below the mmap threshold, so they come from the heap),
        // touched so that they are resident, then a block above them that stays: the heap
        // cannot shrink from its top, and free() alone gives nothing back.
        let blocks = (0..<32_768).map { _ in
            let block = malloc(2_048)!
            memset(block, 1, 2_048)
            return block
        }
        let top = malloc(2_048)!
        memset(top, 1, 2_048)
        defer { free(top) }
        let peak = try self.residentBytes()
        for block in blocks { free(block) }
        HeapTuning.releaseFreeMemoryNow()
        let after = try self.residentBytes()
        #expect(peak - after > 32 << 20, "\(peak >> 20) MB resident at the peak, \(after >> 20) MB after")
    }
}
