import ATSBridgeCore

/// What went wrong talking to RECRU, before it is mapped to a dotted error code.
enum RemoteFailure: Error {
    case rateLimited(retryAfter: Duration?)
    case serverError(Int)
    case transport(String)
    case authentication
    case tooLarge
    case http(Int)
    case rpc(code: Int, message: String, field: String?)

    init(rpcError: [String: Any]) {
        let code = rpcError["code"] as? Int ?? 0
        // RECRU's text may echo what it was sent; values are scrubbed, field names stay.
        let message = Self.scrub(String((rpcError["message"] as? String ?? "").prefix(300)))
        let field = (rpcError["data"] as? [String: Any])?["field"] as? String
        switch code {
        case -32001: self = .authentication
        case -32029: self = .rateLimited(retryAfter: nil)
        default: self = .rpc(code: code, message: message, field: field)
        }
    }

    var kind: String {
        switch self {
        case .rateLimited: "rate-limited"
        case .serverError(let status): "http \(status)"
        case .transport(let what): "transport: \(what)"
        case .authentication: "authentication"
        case .tooLarge: "response too large"
        case .http(let status): "http \(status)"
        case .rpc(let code, _, _): "json-rpc \(code)"
        }
    }

    var isAuthentication: Bool {
        if case .authentication = self { return true }
        return false
    }

    var isRetryable: Bool {
        switch self {
        case .rateLimited, .serverError, .transport: true
        case .rpc(let code, _, _): code == -32603
        case .authentication, .tooLarge, .http: false
        }
    }

    var retryAfter: Duration? {
        if case .rateLimited(let retryAfter) = self { return retryAfter }
        return nil
    }

    /// RECRU's message with anything that may be personal data replaced: words holding `@`
    /// (emails) or digits beyond an id's length, and quoted text.
    static func scrub(_ message: String) -> String {
        var out: [Substring] = []
        var inQuote: Character?
        for word in message.split(separator: " ", omittingEmptySubsequences: false) {
            if let quote = inQuote {
                if word.last == quote { inQuote = nil }
                continue
            }
            if let first = word.first, first == "'" || first == "\"" {
                out.append("<redacted>")
                if word.count == 1 || word.last != first { inQuote = first }
                continue
            }
            let digits = word.filter(\.isNumber).count
            out.append(word.contains("@") || digits > 9 ? "<redacted>" : word)
        }
        return out.joined(separator: " ")
    }

    /// The error a caller sees: RECRU's messages, scrubbed of values (see ``scrub(_:)``).
    var mapped: ATSBridgeError { self.mapped(retried: true) }

    /// The failure as an ``ATSBridgeError``; `retried` says whether the call was retried
    /// before it (a write is sent once), for the message.
    func mapped(retried: Bool) -> ATSBridgeError {
        let after = retried ? " after retries" : ""
        return switch self {
        case .rateLimited:
            ATSBridgeError(
                .remoteRateLimited,
                retried ? "RECRU is still rate-limiting after retries" : "RECRU is rate-limiting"
            )
        case .serverError(let status):
            ATSBridgeError(.remoteUnavailable, "RECRU answered HTTP \(status)\(after)")
        case .transport(let what):
            ATSBridgeError(.remoteUnavailable, "RECRU cannot be reached (\(what))\(after)")
        case .authentication:
            ATSBridgeError(.integrationAuthenticationInvalid, "RECRU rejected the integration's credentials")
        case .tooLarge:
            ATSBridgeError(.remoteUnknown, "RECRU's answer exceeds the response size limit")
        case .http(let status):
            ATSBridgeError(.remoteUnknown, "RECRU answered HTTP \(status)")
        case .rpc(-32009, _, _):
            ATSBridgeError(.atsApplicationAlreadyExists, "the candidate has already applied to this job")
        case .rpc(-32010, _, _):
            ATSBridgeError(.atsJobClosed, "the job is not open for applications in RECRU")
        case .rpc(-32004, let message, _):
            ATSBridgeError(.notFound, "RECRU: \(message)")
        case .rpc(let code, let message, let field):
            if code == -32602 {
                ATSBridgeError(
                    .remoteInputInvalid,
                    "RECRU rejected the input\(field.map { " (\($0))" } ?? ""): \(message)"
                )
            } else {
                ATSBridgeError(.remoteUnknown, "RECRU error \(code): \(message)")
            }
        }
    }
}
