import CATSBridgeSystem
import Foundation
import Glibc

/// The file an export writes, and its resume point (`FILE.resume`): the cursor of the next page
/// and the file's length when it was saved. A resumed export cuts the file back to that length
/// (dropping a page that was half-written) and continues from the cursor.
struct ExportFile {
    private struct State: Codable {
        var model: String
        var format: String
        /// The export's order; absent in resume points saved before exports had one (id order).
        var order: String?
        var cursor: String?
        var bytes: UInt64
        var records: Int
    }

    /// `--out -`: the export goes to standard output, with no resume point.
    static let standardOutput = "-"

    private let handle: FileHandle
    /// Where the resume point is saved; `nil` for standard output, which cannot be resumed.
    private let statePath: String?
    private var state: State
    /// When the resume point was last saved: at most every 200 ms (a resumed export then
    /// re-reads a few more pages; the file is cut back to match).
    private var savedAt = ContinuousClock.now - .seconds(1)
    /// Whether the export starts from the beginning.
    let isFresh: Bool
    /// A fresh export's file still holds what was there before: emptied by the first append.
    private var needsEmptying = false
    /// Where the file's writeback was last started: every ``writebackStep`` bytes the kernel
    /// is told to start writing, so the final fsync does not write the whole export at once.
    private var writebackFrom: UInt64 = 0
    private static let writebackStep: UInt64 = 8 << 20

    var cursor: String? { self.state.cursor }
    /// A resumed export whose last page was written and saved: only the final flush is left.
    var isFinished: Bool { !self.isFresh && self.state.cursor == nil && self.state.records > 0 }
    /// The file's length so far: 0 until the first page (and a CSV header) is written.
    var bytes: UInt64 { self.state.bytes }
    /// The order the export was started in: a resumed export keeps it, as its cursor needs it.
    var order: String { self.state.order ?? "id" }
    var records: Int { self.state.records }

    init(path: String, model: String, format: String, order: String, resume: Bool) throws {
        if path == Self.standardOutput {
            // Validation refuses --resume with it: a pipe is written once, in order.
            self.statePath = nil
            self.handle = FileHandle.standardOutput
            self.state = State(model: model, format: format, order: order, cursor: nil, bytes: 0, records: 0)
            self.isFresh = true
            return
        }
        let statePath = path + ".resume"
        self.statePath = statePath
        if resume {
            guard let data = FileManager.default.contents(atPath: statePath) else {
                throw CLIFailure.usage(
                    "nothing to resume: \(statePath) is missing; run the export without --resume"
                )
            }
            // Every record takes at least a byte of the file, whatever the format.
            guard let saved = try? JSONDecoder().decode(State.self, from: data), saved.records >= 0,
                UInt64(saved.records) <= saved.bytes
            else {
                throw CLIFailure.usage(
                    "\(statePath) is not a resume point this export can use (damaged or edited); "
                        + "run the export without --resume"
                )
            }
            guard saved.model == model, saved.format == format else {
                throw CLIFailure.usage("\(path) is an export of \(saved.model) as \(saved.format); resume with those")
            }
            let handle = try Self.openRegular(path, create: false)
            // Shorter than its resume point: changed since, and cutting it "back" would pad it
            // with zero bytes.
            guard try handle.seekToEnd() >= saved.bytes else {
                throw CLIFailure.usage(
                    "\(path) is shorter than its resume point (\(saved.bytes) bytes); run the export without --resume"
                )
            }
            try handle.truncate(atOffset: saved.bytes)
            try handle.seekToEnd()
            self.handle = handle
            self.state = saved
            self.writebackFrom = saved.bytes
            self.isFresh = false
        } else {
            // Emptied when the first page arrives: an export that cannot reach its server
            // leaves an existing file, and the resume point beside it, as they were.
            self.handle = try Self.openRegular(path, create: true)
            self.state = State(model: model, format: format, order: order, cursor: nil, bytes: 0, records: 0)
            self.isFresh = true
            self.needsEmptying = true
        }
    }

    /// Opens `path` for writing, in place (Foundation's `createFile` writes a new file and
    /// renames it over the path, which replaced a device such as /dev/null). Non-blocking, so
    /// that a pipe without a reader cannot hang the open, and refused unless a regular file.
    private static func openRegular(_ path: String, create: Bool) throws -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (create ? O_CREAT : 0), 0o600)
        guard descriptor >= 0 else {
            throw CLIFailure.io(create ? "\(path) cannot be written" : "\(path) cannot be opened to resume")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw CLIFailure.usage(Self.notRegularMessage(path))
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return handle
    }

    /// Why `path` cannot be an export's file: it exists and is not a regular file (after
    /// symbolic links), while an export cuts its file back and resumes it, which a device or a
    /// pipe cannot do. `nil` when it can (a missing file is created; open reports the rest).
    static func notRegular(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { return nil }
        return self.notRegularMessage(path)
    }

    private static func notRegularMessage(_ path: String) -> String {
        "--out \(path) is not a regular file; export writes a file it can resume "
            + "(to a pipe: --out -, which has no resume point)"
    }

    /// Appends a page's bytes, then records the resume point after it.
    mutating func append(_ bytes: [UInt8], cursor: String?, records: Int) throws {
        do {
            if self.needsEmptying {
                // The resume point first: a folder that cannot hold it fails the export before
                // the file loses anything.
                try self.saveState()
                try self.handle.truncate(atOffset: 0)
                self.needsEmptying = false
            }
            try Self.write(bytes, to: self.handle.fileDescriptor)
            self.state.bytes += UInt64(bytes.count)
            if self.statePath != nil, self.state.bytes - self.writebackFrom >= Self.writebackStep {
                // A hint: where it fails (a file system without it), the final fsync writes all.
                _ = atsb_start_writeback(
                    self.handle.fileDescriptor,
                    Int64(self.writebackFrom),
                    Int64(self.state.bytes - self.writebackFrom)
                )
                self.writebackFrom = self.state.bytes
            }
            self.state.records += records
            self.state.cursor = cursor
            if ContinuousClock.now - self.savedAt >= .milliseconds(200) {
                try self.saveState()
            }
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure.io("writing the export failed: \(error.localizedDescription)")
        }
    }

    /// Writes all of `bytes`. Standard output may be a pipe its owner left non-blocking: a
    /// full pipe then waits for room (`poll`) instead of failing the export with EAGAIN.
    static func write(_ bytes: [UInt8], to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written >= 0 {
                    offset += written
                    continue
                }
                switch errno {
                case EINTR:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                default:
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            }
        }
    }

    private mutating func saveState() throws {
        guard let statePath = self.statePath else { return }
        let data = try JSONEncoder().encode(self.state)
        do {
            try data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
        } catch {
            // Foundation's own message names no file ("error 512"); the folder is what to check.
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let reason = underlying.map { " (\($0.localizedDescription))" } ?? ""
            throw CLIFailure.io("the resume point \(statePath) cannot be written\(reason)")
        }
        self.savedAt = ContinuousClock.now
    }

    /// The export finished: flush and forget the resume point.
    func complete() throws {
        guard let statePath = self.statePath else { return }
        // No page came (nothing to export): the file still has to hold exactly that.
        if self.needsEmptying { try self.handle.truncate(atOffset: 0) }
        do {
            // Also where a write back started during the export failed (EIO, ENOSPC).
            try self.handle.synchronize()
        } catch {
            // Linux may mark the pages that failed clean and report the error once: a later
            // flush of this file cannot tell, so resuming starts the export over.
            var restart = self
            restart.state = State(
                model: self.state.model,
                format: self.state.format,
                order: self.state.order,
                cursor: nil,
                bytes: 0,
                records: 0
            )
            try? restart.saveState()
            throw CLIFailure.io(
                "the export could not be flushed to disk (\(error.localizedDescription)); run it again "
                    + "(--resume starts it over)"
            )
        }
        try? self.handle.close()
        try? FileManager.default.removeItem(atPath: statePath)
    }
}
