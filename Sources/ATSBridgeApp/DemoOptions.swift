public import ATSBridgeSandbox

/// What `atsbridge serve --demo` sets up: the embedded RECRU sandbox with seeded data, a demo
/// integration and a demo API key, and the first sync.
public struct DemoOptions: Sendable {
    /// Where the demo keeps its store and credential key. Defaults to `./data/demo`.
    public var dataDirectory = "./data/demo"
    /// The demo API key (admin level, so every CLI command works with it). Defaults to
    /// `demo-key-change-me-0001`.
    public var apiKey = "demo-key-change-me-0001"
    /// The sandbox's size. Defaults to `.small`.
    public var size = SandboxSize.small
    /// The sandbox's seed. Defaults to 1.
    public var seed: UInt64 = 1
    /// The secret of the sandbox's `SandboxAdmin.*` mutation methods. Defaults to `demo-admin`.
    public var sandboxAdminSecret = "demo-admin"

    /// Creates the defaults.
    public init() {}

    /// The demo integration's id.
    public static let integrationID = "demo"
}
