/// What kind of network an address belongs to; downloads reach only ``public`` ones unless the
/// allow-list says otherwise.
enum AddressClass: String, Sendable, Hashable {
    case `public` = "a public"
    case loopback = "a loopback"
    case privateNetwork = "a private-network"
    case linkLocal = "a link-local"
    case multicast = "a multicast"
    case unspecified = "an unspecified"
    case cloudMetadata = "a cloud-metadata"
    case reserved = "a reserved"

    /// The class of `address`; an IPv6 address carrying an IPv4 one is judged by the IPv4 one.
    init(_ address: IPAddress) {
        // `::` and `::1` have the IPv4-compatible form too; they are what they look like.
        if address.isIPv6, address.bytes[0..<15].allSatisfy({ $0 == 0 }), address.bytes[15] <= 1 {
            self = address.bytes[15] == 0 ? .unspecified : .loopback
            return
        }
        if let embedded = address.embeddedIPv4 {
            self = Self(embedded)
            return
        }
        for range in address.isIPv6 ? Self.ipv6 : Self.ipv4
        where address.isIn(range.network, prefixLength: range.length) {
            self = range.kind
            return
        }
        self = .public
    }

    /// A network and the class of its addresses.
    private struct Range: Sendable {
        let network: IPAddress
        let length: Int
        let kind: AddressClass
    }

    /// A range from a numeric address literal (the tables below hold only valid ones).
    private static func range(_ text: String, _ length: Int, _ kind: AddressClass) -> Range {
        guard let network = IPAddress(text) else { preconditionFailure("invalid address literal \(text)") }
        return Range(network: network, length: length, kind: kind)
    }

    /// IPv4 networks that are not the public internet (RFC 6890 and the clouds' metadata
    /// addresses), most specific first.
    private static let ipv4: [Range] = [
        Self.range("169.254.169.254", 32, .cloudMetadata),  // AWS, GCP, Azure, OpenStack, DigitalOcean
        Self.range("100.100.100.200", 32, .cloudMetadata),  // Alibaba Cloud
        Self.range("0.0.0.0", 8, .unspecified),
        Self.range("10.0.0.0", 8, .privateNetwork),
        Self.range("100.64.0.0", 10, .privateNetwork),  // carrier-grade NAT
        Self.range("127.0.0.0", 8, .loopback),
        Self.range("169.254.0.0", 16, .linkLocal),
        Self.range("172.16.0.0", 12, .privateNetwork),
        Self.range("192.0.0.0", 24, .reserved),
        Self.range("192.0.2.0", 24, .reserved),
        Self.range("192.88.99.0", 24, .reserved),
        Self.range("192.168.0.0", 16, .privateNetwork),
        Self.range("198.18.0.0", 15, .reserved),
        Self.range("198.51.100.0", 24, .reserved),
        Self.range("203.0.113.0", 24, .reserved),
        Self.range("224.0.0.0", 4, .multicast),
        Self.range("240.0.0.0", 4, .reserved),  // and 255.255.255.255, broadcast
    ]

    /// IPv6 networks that are not the public internet.
    private static let ipv6: [Range] = [
        Self.range("fd00:ec2::254", 128, .cloudMetadata),  // AWS over IPv6
        Self.range("100::", 64, .reserved),  // discard-only
        Self.range("2001:db8::", 32, .reserved),  // documentation
        Self.range("2001::", 23, .reserved),  // IETF protocol assignments, Teredo
        Self.range("fc00::", 7, .privateNetwork),  // unique local
        Self.range("fe80::", 10, .linkLocal),
        Self.range("fec0::", 10, .privateNetwork),  // site-local (deprecated)
        Self.range("ff00::", 8, .multicast),
    ]
}
