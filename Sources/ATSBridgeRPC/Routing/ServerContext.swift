public import ATSBridgeCore
public import Logging

/// What a handler knows about its call besides the request.
public struct ServerContext: Sendable {
    /// The full method name, e.g. `/atsbridge.v1.AtsRead/ListCandidates`.
    public var method: String
    /// The call's metadata.
    public var metadata: CallMetadata
    /// The authenticated caller.
    public var principal: Principal
    /// When the call must end, if it has a deadline. The handler is cancelled at that time.
    public var deadline: ContinuousClock.Instant?
    /// A logger with the call's method and request id as metadata.
    public var logger: Logger
    /// The server's memory for pages read and not yet sent: lists read their pages under it
    /// (``RecordReading/pages(_:budget:)``) and hand each page's charge to the writer. `nil`
    /// outside a server that bounds it.
    public var readMemory: ReadMemoryBudget?

    /// Creates a context.
    public init(
        method: String,
        metadata: CallMetadata,
        principal: Principal,
        deadline: ContinuousClock.Instant?,
        logger: Logger
    ) {
        self.method = method
        self.metadata = metadata
        self.principal = principal
        self.deadline = deadline
        self.logger = logger
    }

    /// The integration id of the call; the router guarantees it for methods that need one.
    public var integrationID: String { self.metadata.integrationID ?? "" }
}
