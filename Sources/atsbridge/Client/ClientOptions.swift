import ATSBridgeApp
import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeRPC
import ArgumentParser
import Foundation

/// Where the server is and who is calling: flags, else `ATSBRIDGE_SERVER`,
/// `ATSBRIDGE_API_KEY`, `ATSBRIDGE_INTEGRATION`, and for TLS `ATSBRIDGE_TLS`, `ATSBRIDGE_CA`,
/// `ATSBRIDGE_CLIENT_CERT` and `ATSBRIDGE_CLIENT_KEY`.
struct ClientOptions: ParsableArguments {
    @Option(help: "The server, HOST:PORT (default: $ATSBRIDGE_SERVER or 127.0.0.1:7420).")
    var server: String?

    @Option(help: "The API key (default: $ATSBRIDGE_API_KEY).")
    var apiKey: String?

    @Option(
        help: "The integration (default: $ATSBRIDGE_INTEGRATION, else the only one there is or the key may use)."
    )
    var integration: String?

    @Option(help: "Deadline of each call, e.g. 30s or 2m.")
    var timeout = "30s"

    @Flag(help: "Connect with TLS (default: $ATSBRIDGE_TLS=1; implied by --ca, --client-cert).")
    var tls = false

    @Option(help: "CA certificates (PEM) to trust for the server (default: $ATSBRIDGE_CA, else the system's).")
    var ca: String?

    @Option(help: "Client certificate (PEM) for servers that require one (default: $ATSBRIDGE_CLIENT_CERT).")
    var clientCert: String?

    @Option(help: "The client certificate's key (PEM) (default: $ATSBRIDGE_CLIENT_KEY).")
    var clientKey: String?

    @Option(help: "The name the server's certificate must carry, when not the --server host.")
    var tlsServerName: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The server address.
    func address() throws -> HostPort {
        let text = self.server ?? self.environment["ATSBRIDGE_SERVER"] ?? "127.0.0.1:7420"
        do {
            return try HostPort(parsing: text, field: "--server")
        } catch let error as ATSBridgeError {
            throw CLIFailure.usage(error.message)
        }
    }

    /// TLS settings, or `nil` for plain TCP.
    func tlsSettings() throws -> RPCClientTLS? {
        let ca = self.ca ?? self.environment["ATSBRIDGE_CA"]
        let certificate = self.clientCert ?? self.environment["ATSBRIDGE_CLIENT_CERT"]
        let key = self.clientKey ?? self.environment["ATSBRIDGE_CLIENT_KEY"]
        let setting = (self.environment["ATSBRIDGE_TLS"] ?? "").lowercased()
        // A value that is neither yes nor no is a mistake: guessing plain TCP would send the key
        // in clear to a server meant to be reached over TLS.
        guard ["", "0", "false", "no", "1", "true", "yes"].contains(setting) else {
            throw CLIFailure.usage("ATSBRIDGE_TLS must be 1, true, yes, 0, false or no, not '\(setting)'")
        }
        let wanted = ["1", "true", "yes"].contains(setting)
        guard self.tls || wanted || ca != nil || certificate != nil || key != nil || self.tlsServerName != nil else {
            return nil
        }
        guard (certificate == nil) == (key == nil) else {
            throw CLIFailure.usage("--client-cert and --client-key go together")
        }
        return RPCClientTLS(
            caPath: ca,
            certificatePath: certificate,
            privateKeyPath: key,
            serverName: self.tlsServerName
        )
    }

    /// The integration named by `--integration` or `ATSBRIDGE_INTEGRATION`, if any.
    var namedIntegration: String? {
        guard let id = self.integration ?? self.environment["ATSBRIDGE_INTEGRATION"], !id.isEmpty else { return nil }
        return id
    }

    /// The integration: the named one, else the only one that exists. Nil when the key may not
    /// list integrations (not an admin key): the server then uses the one integration the key
    /// is limited to, if it is limited to one.
    func integrationID(_ client: RPCClient, _ options: CallOptions) async throws -> String? {
        if let named = self.namedIntegration { return named }
        let list: IntegrationList
        do {
            list = try await client.unary(AdminService.listIntegrations, ListIntegrationsRequest(), options: options)
        } catch let error as ATSBridgeError where error.code.status == .permissionDenied {
            return nil
        }
        switch list.integrations.count {
        case 1: return list.integrations[0].id
        case 0: throw CLIFailure.usage("there is no integration yet; connect one with `atsbridge integrations add`")
        default:
            let ids = list.integrations.map(\.id).joined(separator: ", ")
            throw CLIFailure.usage(
                "several integrations exist (\(ids)); name one with --integration or ATSBRIDGE_INTEGRATION"
            )
        }
    }

    /// The integration an admin command acts on: `explicit` (its argument), else as
    /// ``integrationID(_:_:)`` finds it.
    func adminIntegrationID(_ explicit: String?, _ client: RPCClient, _ options: CallOptions) async throws -> String {
        if let explicit { return explicit }
        guard let id = try await self.integrationID(client, options) else {
            throw CLIFailure.usage("name the integration with --integration or ATSBRIDGE_INTEGRATION")
        }
        return id
    }

    /// The per-call deadline.
    func deadline() throws -> Duration {
        do {
            return try ServeConfiguration.duration(self.timeout, field: "--timeout")
        } catch let error as ATSBridgeError {
            throw CLIFailure.usage(error.message)
        }
    }

    /// A connected client; `body` runs with it and the connection is closed after.
    ///
    /// - Parameters:
    ///   - needsIntegration: Calls name the integration (``integrationID(_:_:)``).
    ///   - streamCredit: Messages a stream's server may send ahead of the consumer; `nil`
    ///     keeps the client's default (32).
    func withClient<T>(
        needsIntegration: Bool = false,
        streamCredit: Int? = nil,
        _ body: (RPCClient, CallOptions) async throws -> T
    ) async throws -> T {
        let options = CallOptions(timeout: try self.deadline())
        if needsIntegration, self.namedIntegration == nil {
            // Find the default integration first, then call with it.
            let found = try await self.connected(integration: nil, streamCredit: nil) { client in
                try await self.integrationID(client, options)
            }
            return try await self.connected(integration: found, streamCredit: streamCredit) {
                try await body($0, options)
            }
        }
        return try await self.connected(integration: self.namedIntegration, streamCredit: streamCredit) {
            try await body($0, options)
        }
    }

    private func connected<T>(integration: String?, streamCredit: Int?, _ body: (RPCClient) async throws -> T)
        async throws -> T
    {
        let address = try self.address()
        var configuration = RPCClientConfiguration(
            host: address.host,
            port: address.port,
            apiKey: self.apiKey ?? self.environment["ATSBRIDGE_API_KEY"],
            integrationID: integration,
            tls: try self.tlsSettings()
        )
        if let streamCredit { configuration.connection.initialCredit = streamCredit }
        let client = RPCClient(configuration: configuration)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}
