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

/// Receives a method with its concrete request and response types (see ``JSONCallable``).
public protocol MethodVisitor<Result> {
    /// What visiting produces.
    associatedtype Result

    /// Called with the method, its types now known.
    func visit<
        Request: ProtoMessage & JSONReadable & JSONWritable,
        Response: ProtoMessage & JSONReadable & JSONWritable
    >(
        _ method: MethodDescriptor<Request, Response>
    ) async throws -> Result
}

/// A method whose messages read and write JSON, callable without knowing its types at compile
/// time: ``ServiceCatalog/methods`` lists every one.
public protocol JSONCallable: MethodDescribing {
    /// The request message's full protobuf name.
    var requestType: String { get }
    /// The response message's full protobuf name.
    var responseType: String { get }
    /// Calls `visitor` with the method's concrete types.
    func accept<V: MethodVisitor>(_ visitor: V) async throws -> V.Result
}

extension MethodDescriptor: JSONCallable
where Request: JSONReadable & JSONWritable, Response: JSONReadable & JSONWritable {
    /// The request message's full protobuf name.
    public var requestType: String { Request.protoName }
    /// The response message's full protobuf name.
    public var responseType: String { Response.protoName }

    /// Calls `visitor` with this method.
    public func accept<V: MethodVisitor>(_ visitor: V) async throws -> V.Result {
        try await visitor.visit(self)
    }
}
