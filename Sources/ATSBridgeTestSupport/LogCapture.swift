public import Logging
import Synchronization

/// Keeps what is logged through its loggers (messages and metadata), for tests that check what
/// is, or is never, logged.
public final class LogCapture: Sendable {
    /// One logged message.
    public struct Entry: Sendable {
        /// Its level.
        public var level: Logger.Level
        /// Its message.
        public var message: String
        /// The logger's metadata merged with the message's.
        public var metadata: Logger.Metadata
    }

    private let captured = Mutex<[Entry]>([])

    /// Creates an empty capture.
    public init() {}

    /// Everything logged so far.
    public var entries: [Entry] { self.captured.withLock { $0 } }

    /// Everything logged so far, one line per message: level, message and metadata.
    public var text: String {
        self.entries.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n")
    }

    /// A logger whose messages this capture keeps.
    public func logger(label: String = "test.capture", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = level
        return logger
    }

    private func append(_ entry: Entry) {
        self.captured.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
            self.capture.append(Entry(level: event.level, message: event.message.description, metadata: merged))
        }
    }
}
