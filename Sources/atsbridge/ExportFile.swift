import Foundation

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

    private let handle: FileHandle
    private let statePath: String
    private var state: State
    /// When the resume point was last saved: at most every 200 ms (a resumed export then
    /// re-reads a few more pages; the file is cut back to match).
    private var savedAt = ContinuousClock.now - .seconds(1)
    /// Whether the export starts from the beginning.
    let isFresh: Bool

    var cursor: String? { self.state.cursor }
    /// The order the export was started in: a resumed export keeps it, as its cursor needs it.
    var order: String { self.state.order ?? "id" }
    var records: Int { self.state.records }

    init(path: String, model: String, format: String, order: String, resume: Bool) throws {
        if let problem = Self.notRegular(path) { throw CLIFailure.usage(problem) }
        self.statePath = path + ".resume"
        if resume {
            guard let data = FileManager.default.contents(atPath: self.statePath),
                let saved = try? JSONDecoder().decode(State.self, from: data)
            else {
                throw CLIFailure.usage(
                    "nothing to resume: \(self.statePath) is missing; run the export without --resume"
                )
            }
            guard saved.model == model, saved.format == format else {
                throw CLIFailure.usage("\(path) is an export of \(saved.model) as \(saved.format); resume with those")
            }
            guard let handle = FileHandle(forUpdatingAtPath: path) else {
                throw CLIFailure.io("\(path) cannot be opened to resume")
            }
            try handle.truncate(atOffset: saved.bytes)
            try handle.seekToEnd()
            self.handle = handle
            self.state = saved
            self.isFresh = false
        } else {
            // Opened in place, never written aside and renamed over the path: Foundation's
            // `createFile` does that, which replaced a device such as /dev/null with a file.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CLIFailure.io("\(path) cannot be written") }
            self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            self.state = State(model: model, format: format, order: order, cursor: nil, bytes: 0, records: 0)
            self.isFresh = true
        }
    }

    /// Why `path` cannot be an export's file: it exists and is not a regular file (after
    /// symbolic links), while an export cuts its file back and resumes it, which a device or a
    /// pipe cannot do. `nil` when it can (a missing file is created; open reports the rest).
    static func notRegular(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG else { return nil }
        return "--out \(path) is not a regular file; export writes a file it can resume "
            + "(to a pipe: atsbridge get MODEL --all --format ndjson)"
    }

    /// Appends a page's bytes, then records the resume point after it.
    mutating func append(_ bytes: [UInt8], cursor: String?, records: Int) throws {
        do {
            try self.handle.write(contentsOf: bytes)
            self.state.bytes += UInt64(bytes.count)
            self.state.records += records
            self.state.cursor = cursor
            if ContinuousClock.now - self.savedAt >= .milliseconds(200) {
                try self.saveState()
            }
        } catch {
            throw CLIFailure.io("writing the export failed: \(error.localizedDescription)")
        }
    }

    private mutating func saveState() throws {
        let data = try JSONEncoder().encode(self.state)
        try data.write(to: URL(fileURLWithPath: self.statePath), options: .atomic)
        self.savedAt = ContinuousClock.now
    }

    /// The export finished: flush and forget the resume point.
    func complete() throws {
        try? self.handle.synchronize()
        try? self.handle.close()
        try? FileManager.default.removeItem(atPath: self.statePath)
    }
}
