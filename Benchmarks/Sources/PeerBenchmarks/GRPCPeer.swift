import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import GRPCProtobuf
import SwiftProtobuf
import SwiftProtobufModels

/// grpc-swift-2 over HTTP/2 on plain TCP, with descriptors written by hand (what the codegen
/// plugin would emit) and grpc-swift-protobuf's serializers for the SwiftProtobuf types
/// generated from the same `proto/`.
enum GRPCPeer {
    static let listCandidates = MethodDescriptor(
        fullyQualifiedService: "atsbridge.v1.AtsRead",
        method: "ListCandidates"
    )
    static let ping = MethodDescriptor(fullyQualifiedService: "atsbridge.v1.Health", method: "Ping")

    /// The service: candidates from memory in pages of the requested size, and Ping.
    struct Service: RegistrableRPCService {
        let candidates: [Atsbridge_V1_Candidate]

        func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
            let candidates = self.candidates
            router.registerHandler(
                forMethod: GRPCPeer.listCandidates,
                deserializer: ProtobufDeserializer<Atsbridge_V1_ListCandidatesRequest>(),
                serializer: ProtobufSerializer<Atsbridge_V1_CandidatePage>()
            ) { request, _ in
                var pageSize = 500
                for try await message in request.messages where message.page.pageSize > 0 {
                    pageSize = Int(message.page.pageSize)
                }
                let size = pageSize
                return StreamingServerResponse(of: Atsbridge_V1_CandidatePage.self) { writer in
                    var start = 0
                    while start < candidates.count {
                        let end = min(candidates.count, start + size)
                        var page = Atsbridge_V1_CandidatePage()
                        page.items = Array(candidates[start..<end])
                        if end < candidates.count { page.nextCursor = "o\(end)" }
                        try await writer.write(page)
                        start = end
                    }
                    return [:]
                }
            }
            router.registerHandler(
                forMethod: GRPCPeer.ping,
                deserializer: ProtobufDeserializer<Atsbridge_V1_PingRequest>(),
                serializer: ProtobufSerializer<Atsbridge_V1_PingResponse>()
            ) { request, _ in
                for try await _ in request.messages {}
                return StreamingServerResponse(single: ServerResponse(message: Atsbridge_V1_PingResponse()))
            }
        }
    }

    /// Runs the server on an ephemeral port, printing `PORT <n>`, until the process is killed.
    static func serve(recordsPath: String) async throws {
        let candidates = try Dataset.load(recordsPath: recordsPath).map {
            try Atsbridge_V1_Candidate(serializedBytes: $0)
        }
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: "127.0.0.1", port: 0),
            transportSecurity: .plaintext
        )
        let server = GRPCServer(transport: transport, services: [Service(candidates: candidates)])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let port = try await transport.listeningAddress.ipv4?.port ?? 0
            announce(port: port)
        }
    }

    /// A connected client; `body` runs while its connections do.
    static func withClient<Result: Sendable>(
        port: Int,
        _ body: @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
    ) async throws -> Result {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port),
            transportSecurity: .plaintext
        )
        let client = GRPCClient(transport: transport)
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask { try await client.runConnections() }
            defer { client.beginGracefulShutdown() }
            return try await body(client)
        }
    }

    /// Streams every candidate in pages of `pageSize`, decoded into SwiftProtobuf values.
    static func stream(client: GRPCClient<HTTP2ClientTransport.Posix>, pageSize: Int) async throws -> Int {
        var request = Atsbridge_V1_ListCandidatesRequest()
        request.page.pageSize = UInt32(pageSize)
        return try await client.serverStreaming(
            request: ClientRequest(message: request),
            descriptor: listCandidates,
            serializer: ProtobufSerializer<Atsbridge_V1_ListCandidatesRequest>(),
            deserializer: ProtobufDeserializer<Atsbridge_V1_CandidatePage>(),
            options: .defaults
        ) { response in
            var count = 0
            var applications = 0
            for try await page in response.messages {
                count += page.items.count
                applications += page.items.last?.applications.count ?? 0
            }
            precondition(applications > 0, "the pages carry nested applications")
            return count
        }
    }

    /// One Ping.
    static func ping(client: GRPCClient<HTTP2ClientTransport.Posix>) async throws {
        _ = try await client.unary(
            request: ClientRequest(message: Atsbridge_V1_PingRequest()),
            descriptor: ping,
            serializer: ProtobufSerializer<Atsbridge_V1_PingRequest>(),
            deserializer: ProtobufDeserializer<Atsbridge_V1_PingResponse>(),
            options: .defaults
        ) { response in try response.message }
    }
}
