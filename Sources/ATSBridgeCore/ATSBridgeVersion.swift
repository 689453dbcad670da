/// The version of this ATSBridge build.
public enum ATSBridgeVersion {
    /// The semantic version, such as `0.1.0`.
    public static let current = "0.1.0"
}
