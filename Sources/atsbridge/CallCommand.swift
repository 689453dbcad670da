import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ArgumentParser
import Foundation

/// `atsbridge call`: any method of the schema, with a JSON request, like grpcurl.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call any method with a JSON request and print each response as one line of JSON.",
        discussion: """
            METHOD is the full name (/atsbridge.v1.AtsRead/ListCandidates) or its short form \
            (AtsRead/ListCandidates). JSON uses the unified API's shape, as `get --format json` \
            prints it: snake_case fields, enums by name, times as ISO-8601 or milliseconds. \
            Omitted, the request is {}; `-` reads it from stdin. Works for every method of \
            proto/, from the schema compiled into this binary.

            Examples:
              atsbridge call --list
              atsbridge call /atsbridge.v1.Health/Ping
              atsbridge call AtsRead/GetCandidatePage '{"page":{"page_size":2}}'
              atsbridge call AtsRead/ListCandidates '{"email":"jan@example.sk"}'
              echo '{"integration_id":"demo"}' | atsbridge call Admin/GetSyncStatus -
            """
    )

    @Flag(help: "List every method with its request and response types.")
    var list = false

    @Argument(help: "The method, e.g. /atsbridge.v1.AtsRead/ListCandidates.")
    var method: String?

    @Argument(help: "The request as JSON (default {}); - reads stdin.")
    var json: String?

    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await CLIFailure.run {
            if self.list {
                for method in ServiceCatalog.methods {
                    let response =
                        method.kind == .serverStreaming ? "stream \(method.responseType)" : method.responseType
                    Terminal.line("\(method.fullName)  \(method.requestType) -> \(response)")
                }
                return
            }
            guard let name = self.method else {
                throw CLIFailure.usage("name a method, or use --list to see them")
            }
            let method = try Self.resolve(name)
            let request = try self.requestJSON()
            try await self.client.withClient { client, options in
                try await method.accept(Invocation(client: client, options: options, request: request))
            }
        }
    }

    /// The method named by `name`, in full or short form.
    static func resolve(_ name: String) throws -> any JSONCallable {
        let wanted = name.hasPrefix("/") ? String(name.dropFirst()) : name
        let found = ServiceCatalog.methods.first { method in
            let short = method.service.split(separator: ".").last.map(String.init) ?? method.service
            return ["\(method.service)/\(method.method)", "\(short)/\(method.method)", "\(short).\(method.method)"]
                .contains(wanted)
        }
        guard let found else {
            throw CLIFailure.usage("unknown method '\(name)'; `atsbridge call --list` shows every method")
        }
        return found
    }

    private func requestJSON() throws -> ProtoJSONValue {
        var text = self.json ?? "{}"
        if text == "-" {
            // Room for a maximal message as JSON (bytes fields in base64).
            text = try Terminal.standardInputText(atMost: 64 << 20, what: "the request")
        }
        do {
            return try JSONDecoder().decode(ProtoJSONValue.self, from: Data(text.utf8))
        } catch {
            throw CLIFailure.usage("the request is not valid JSON")
        }
    }
}

/// Makes the call once the method's types are known, printing each response as NDJSON.
private struct Invocation: MethodVisitor {
    let client: RPCClient
    let options: CallOptions
    let request: ProtoJSONValue

    func visit<
        Request: ProtoMessage & JSONReadable & JSONWritable,
        Response: ProtoMessage & JSONReadable & JSONWritable
    >(
        _ method: MethodDescriptor<Request, Response>
    ) async throws {
        let request: Request
        do {
            request = try Request(json: self.request)
        } catch let error as ProtoCodecError {
            throw CLIFailure.usage("bad request for \(method.fullName): \(error.description)")
        }
        switch method.kind {
        case .unary:
            let response = try await self.client.unary(method, request, options: self.options)
            Terminal.out(response.jsonBytes() + [UInt8(ascii: "\n")])
        case .serverStreaming:
            // Streams run until the server ends them: no per-call deadline.
            for try await response in self.client.serverStreaming(method, request) {
                Terminal.out(response.jsonBytes() + [UInt8(ascii: "\n")])
            }
        }
    }
}
