/// A JSON-RPC error the sandbox answers with (docs/recru-jsonrpc.md, "Errors").
struct JSONRPCError: Error, Sendable {
    var code: Int
    var message: String
    var field: String?
    var reason: String?

    static let parse = JSONRPCError(code: -32700, message: "Parse error")
    static let invalidRequest = JSONRPCError(code: -32600, message: "Invalid Request")

    static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: -32601, message: "Method not found: \(method)")
    }

    static func invalidParams(_ field: String, _ reason: String) -> JSONRPCError {
        JSONRPCError(code: -32602, message: "Invalid params: \(field) \(reason)", field: field, reason: reason)
    }

    static let unauthorized = JSONRPCError(code: -32001, message: "Unauthorized")
    static let tokenExpired = JSONRPCError(code: -32001, message: "Token expired")
    static let invalidLogin = JSONRPCError(code: -32001, message: "Invalid login or password")
    static let forbidden = JSONRPCError(code: -32003, message: "Forbidden")

    static func notFound(_ what: String) -> JSONRPCError {
        JSONRPCError(code: -32004, message: "\(what) not found")
    }

    static let duplicateApplication = JSONRPCError(
        code: -32009,
        message: "The jobseeker has already applied to this project"
    )
    static let projectClosed = JSONRPCError(code: -32010, message: "The project is not open for applications")
    static let rateLimited = JSONRPCError(code: -32029, message: "Too many requests")

    /// The `error` member of a response.
    var object: [String: Any] {
        var error: [String: Any] = ["code": self.code, "message": self.message]
        if let field = self.field {
            error["data"] = ["field": field, "reason": self.reason ?? ""]
        }
        return error
    }
}
