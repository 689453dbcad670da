/// How many messages each side of a method sends.
public enum MethodKind: Sendable, Hashable {
    /// One request, one response.
    case unary
    /// One request, any number of responses.
    case serverStreaming
}

/// A method of a service, without its message types.
public protocol MethodDescribing: Sendable {
    /// The service's full name, such as `atsbridge.v1.AtsRead`.
    var service: String { get }
    /// The method's name, such as `ListCandidates`.
    var method: String { get }
    /// Unary or server-streaming.
    var kind: MethodKind { get }
}

extension MethodDescribing {
    /// The path that names the method on the wire: `/<service>/<method>`.
    public var fullName: String { "/\(self.service)/\(self.method)" }
}

/// A method of a service, with its request and response types.
public struct MethodDescriptor<Request: ProtoMessage, Response: ProtoMessage>: MethodDescribing, Hashable {
    /// The service's full name, such as `atsbridge.v1.AtsRead`.
    public let service: String
    /// The method's name, such as `ListCandidates`.
    public let method: String
    /// Unary or server-streaming.
    public let kind: MethodKind

    /// Creates a descriptor.
    public init(service: String, method: String, kind: MethodKind) {
        self.service = service
        self.method = method
        self.kind = kind
    }
}
