import ATSBridgeCore
import Foundation

/// Hosts and networks that attachment downloads may reach although they are internal, and over
/// plain http. Everything else is https to public addresses only.
public struct AttachmentAllowList: Sendable, Hashable {
    /// An allowed network: an address and a prefix length.
    public struct Network: Sendable, Hashable {
        /// The network's address.
        public var address: IPAddress
        /// The prefix length (32 or 128 for a single address).
        public var prefixLength: Int

        /// Creates a network.
        public init(address: IPAddress, prefixLength: Int) {
            self.address = address
            self.prefixLength = prefixLength
        }
    }

    /// Allowed host names, lower-cased, matched exactly.
    public var hosts: Set<String> = []
    /// Allowed networks, matched against the resolved addresses.
    public var networks: [Network] = []

    /// An empty list: nothing internal, nothing over http.
    public init() {}

    /// Parses entries: host names (`files.internal`), addresses (`10.1.2.3`, `::1`) and networks
    /// (`10.0.0.0/8`, `fd00::/8`).
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming a malformed entry.
    public init(parsing entries: [String]) throws {
        for entry in entries.map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            if let address = IPAddress(parts[0]) {
                let maximum = address.isIPv6 ? 128 : 32
                let length = parts.count == 2 ? Int(parts[1]) : maximum
                guard let length, (0...maximum).contains(length) else {
                    throw ATSBridgeError(.inputInvalid, "attachment_allow: '\(entry)' has an invalid prefix length")
                }
                self.networks.append(Network(address: address, prefixLength: length))
            } else {
                let validName =
                    parts.count == 1
                    && entry.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
                guard validName else {
                    throw ATSBridgeError(
                        .inputInvalid,
                        "attachment_allow: '\(entry)' is neither a host name, an address nor a network"
                    )
                }
                self.hosts.insert(entry.lowercased())
            }
        }
    }

    /// Whether `host` (as written in the URL) is allowed by name.
    func allows(host: String) -> Bool {
        self.hosts.contains(host.lowercased())
    }

    /// Whether `address` is in an allowed network.
    func allows(_ address: IPAddress) -> Bool {
        self.networks.contains { address.isIn($0.address, prefixLength: $0.prefixLength) }
    }
}
