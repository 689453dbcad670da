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
        let access = call.method.access
        guard access.level > .none else {
            call.context.principal = .anonymous
            return
        }
        let principal = try await self.authenticator.authenticate(apiKey: call.apiKey)
        if access.needsIntegration, (call.context.metadata.integrationID ?? "").isEmpty,
            let only = principal?.integrations, only.count == 1
        {
            // A key limited to one integration needs not name it.
            call.context.metadata.integrationID = only.first
        }
        do throws(ATSBridgeError) {
            call.context.principal = try Self.authorize(
                principal,
                integrationID: call.context.metadata.integrationID,
                access: access
            )
        } catch {
            Self.logRefusal(call, keyName: principal?.keyName, error)
            // A known key refused for its role or scope is worth an audit entry; unknown keys
            // are not recorded (anyone could fill the log with them).
            if let principal, let trail = call.method.auditTrail {
                var context = call.context
                context.principal = principal
                await trail.record(context, integrationID: context.metadata.integrationID, targets: [], error: error)
            }
            throw error
        }
    }

    /// Operators see who was refused: the key's name (never the key), the method and why.
    private static func logRefusal(_ call: ServerCall, keyName: String?, _ error: ATSBridgeError) {
        var metadata: Logger.Metadata = [
            LogKey.rpcMethod: "\(call.context.method)",
            LogKey.rpcKey: "\(keyName ?? "unknown")",
            LogKey.rpcStatus: "\(error.code.status.name ?? "UNKNOWN")",
            LogKey.rpcErrorCode: "\(error.code.dotted)",
        ]
        if let integrationID = call.context.metadata.integrationID {
            metadata[LogKey.integrationID] = "\(integrationID)"
        }
        call.context.logger.notice("call refused", metadata: metadata)
    }

    /// The principal allowed to make a call with `access`. A method with
    /// ``MethodAccess/Scope/requestIntegration`` is checked again by the router once its request
    /// is decoded.
    ///
    /// - Throws: UNAUTHENTICATED for a missing or unknown key; PERMISSION_DENIED for a key whose
    ///   role or integrations do not cover the call; INVALID_ARGUMENT for a call that needs an
    ///   integration and names none.
    package static func authorize(
        _ principal: Principal?,
        integrationID: String?,
        access: MethodAccess
    ) throws(ATSBridgeError) -> Principal {
        guard access.level > .none else { return .anonymous }
        guard let principal else {
            throw ATSBridgeError(.authenticationInvalid, "missing or unknown API key")
        }
        guard principal.access >= access.level else {
            throw ATSBridgeError(.permissionDenied, "the key's access '\(principal.access)' is below '\(access.level)'")
        }
        if access.needsIntegration {
            guard let integrationID, !integrationID.isEmpty else {
                throw ATSBridgeError(.inputInvalid, "the call needs an integration_id")
            }
            try principal.requireAccess(integration: integrationID)
        }
        if access.scope == .unscopedKey, !principal.isUnscoped {
            throw ATSBridgeError(.permissionDenied, "the method needs a key not limited to integrations")
        }
        return principal
    }
}
