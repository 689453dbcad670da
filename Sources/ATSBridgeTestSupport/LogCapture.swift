public import Logging
import Synchronization

/// Keeps the messages logged through its loggers, for tests that check what was logged.
public final class LogCapture: Sendable {
    /// One logged message.
    public struct Entry: Sendable {
        /// Its level.
        public var level: Logger.Level
        /// Its message.
        public var message: String
    }

    private let captured = Mutex<[Entry]>([])

    /// Creates an empty capture.
    public init() {}

    /// Everything logged so far.
    public var entries: [Entry] { self.captured.withLock { $0 } }

    /// A logger (level `trace`) whose messages this capture keeps.
    public func logger(label: String = "test.capture") -> Logger {
        Logger(label: label) { _ in Handler(capture: self) }
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
            self.capture.append(Entry(level: event.level, message: event.message.description))
        }
    }
}
