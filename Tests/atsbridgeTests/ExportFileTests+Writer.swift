import Foundation
import Synchronization
import Testing

@testable import atsbridge

// `atsbridge export` writes its file on a thread of its own, one page behind the stream, and
// into a non-blocking pipe without failing on a full one.
extension ExportFileTests {
    @Test func pagesArriveWholeAndInOrderAndTheResumePointGoesAtTheEnd() async throws {
        let folder = try self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/candidates.ndjson"
        let writer = try await ExportWriter.open(
            path: path,
            model: "candidates",
            format: "ndjson",
            order: "storage",
            resume: false
        )
        var expected: [UInt8] = []
        for page in 0..<50 {
            let bytes = [UInt8](repeating: UInt8(ascii: "a") + UInt8(page % 26), count: 10_000 + page)
            try await writer.append(bytes, cursor: page < 49 ? "c\(page)" : nil, records: 10)
            expected += bytes
        }
        try await writer.drain()
        #expect(writer.read(\.records) == 500)
        #expect(FileManager.default.fileExists(atPath: path + ".resume"), "kept until the export completes")
        try await writer.complete()
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == expected)
        #expect(!FileManager.default.fileExists(atPath: path + ".resume"))
    }

    @Test func aWriteThatFailsThrowsItsError() throws {
        // /dev/full fails every write with ENOSPC.
        let descriptor = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        #expect(throws: POSIXError(.ENOSPC)) { try ExportFile.write([1, 2, 3], to: descriptor) }
    }

    @Test func aFullNonBlockingPipeIsWaitedForNotFailed() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer {
            close(readEnd)
            close(writeEnd)
        }
        // As a shell or a parent process may leave standard output.
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        let bytes = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let received = Mutex<[UInt8]>([])
        // The reader starts only once the pipe is full, so the writer must have met EAGAIN.
        let reader = Thread {
            let deadline = Date().addingTimeInterval(10)
            var queued: Int32 = 0
            while Date() < deadline {
                _ = ioctl(readEnd, UInt(FIONREAD), &queued)
                if queued >= 64 << 10 { break }  // Linux's default pipe capacity
                usleep(1_000)
            }
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            var total: [UInt8] = []
            while total.count < bytes.count {
                let count = read(readEnd, &buffer, buffer.count)
                guard count > 0 else { break }
                total += buffer[0..<count]
            }
            received.withLock { $0 = total }
        }
        reader.start()
        try ExportFile.write(bytes, to: writeEnd)
        let deadline = Date().addingTimeInterval(10)
        while received.withLock({ $0.count }) < bytes.count, Date() < deadline { usleep(1_000) }
        #expect(received.withLock { $0 } == bytes)
    }
}
