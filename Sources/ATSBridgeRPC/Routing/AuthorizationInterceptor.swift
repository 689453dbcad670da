package import ATSBridgeCore
import ATSBridgeProto
import Logging

/// Checks a call's API key against the method's access rule (docs/protocol.md §3.5) and puts
/// the authenticated principal into its context.
package struct AuthorizationInterceptor: ServerInterceptor {
    private let authenticator: any Authenticator

    /// An interceptor that authenticates keys with `authenticator`.
    package init(authenticator: any Authenticator) {
        self.authenticator = authenticator
    }

    package func intercept(_ call: inout ServerCall) async throws {
        if call.method.access.needsIntegration, (call.context.metadata.integrationID ?? "").isEmpty,
            let only = self.authenticator.authenticate(apiKey: call.apiKey)?.integrations, only.count == 1
        {
            // A key limited to one integration needs not name it.
            call.context.metadata.integrationID = only.first
        }
        do throws(ATSBridgeError) {
            call.context.principal = try self.authorize(
                apiKey: call.apiKey,
                integrationID: call.context.metadata.integrationID,
                access: call.method.access
            )
        } catch {
            // Operators see who was refused: the key's name (never the key), the method and why.
            let keyName = self.authenticator.authenticate(apiKey: call.apiKey)?.keyName ?? "unknown"
            var metadata: Logger.Metadata = [
                LogKey.rpcMethod: "\(call.context.method)",
                LogKey.rpcKey: "\(keyName)",
                LogKey.rpcStatus: "\(error.code.status.name ?? "UNKNOWN")",
                LogKey.rpcErrorCode: "\(error.code.dotted)",
            ]
            if let integrationID = call.context.metadata.integrationID {
                metadata[LogKey.integrationID] = "\(integrationID)"
            }
            call.context.logger.notice("call refused", metadata: metadata)
            throw error
        }
    }

    /// The principal allowed to make a call with `access`.
    ///
    /// - Throws: UNAUTHENTICATED for a missing or unknown key; PERMISSION_DENIED for a key whose
    ///   role or integrations do not cover the call; INVALID_ARGUMENT for a call that needs an
    ///   integration and names none.
    package func authorize(
        apiKey: String?,
        integrationID: String?,
        access: MethodAccess
    ) throws(ATSBridgeError) -> Principal {
        guard access.level > .none else { return .anonymous }
        guard let principal = self.authenticator.authenticate(apiKey: apiKey) else {
            throw ATSBridgeError(.authenticationInvalid, "missing or unknown API key")
        }
        guard principal.access >= access.level else {
            throw ATSBridgeError(.permissionDenied, "the key's access '\(principal.access)' is below '\(access.level)'")
        }
        if access.needsIntegration {
            guard let integrationID, !integrationID.isEmpty else {
                throw ATSBridgeError(.inputInvalid, "the call needs an integration_id")
            }
            guard principal.mayAccess(integration: integrationID) else {
                throw ATSBridgeError(.permissionDenied, "the key may not access this integration")
            }
        }
        return principal
    }
}
