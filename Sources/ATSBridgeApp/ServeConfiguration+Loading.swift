import ATSBridgeAPI
import ATSBridgeCore
import ATSBridgeRECRU
import ATSBridgeRPC
import ATSBridgeServer
import ATSBridgeSync
import Foundation
import Logging

extension ServeConfiguration {
    /// The settings every source can set, by their config-file key. The environment variable
    /// is `ATSBRIDGE_` + the key upper-cased; flags are `--` + the key with `-` for `_`.
    public static let keys =
        [
            "listen", "store", "store_max_connections", "api_keys", "credential_key", "sync_interval",
            "max_connections",
            "max_streams_per_connection", "max_message_bytes", "metrics_listen", "log_level", "sync_instance_id",
            "sync_lease_duration", "sync_lease_renewal", "sync_fetch_concurrency", "recru_requests_per_second",
            "recru_unavailability_budget", "integration_pacing",
            "tls_cert", "tls_key", "tls_client_ca", "attachment_allow", "attachment_max_downloads", "strict_file_modes",
        ] + limitKeys

    /// The configuration from a config file, the environment and flags, over the defaults.
    ///
    /// - Parameters:
    ///   - file: A JSON config file (an object with ``keys``), if any.
    ///   - environment: The process environment; only `ATSBRIDGE_*` entries are read.
    ///   - flags: Values given as flags, by key.
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the setting and its source.
    public static func load(
        file: String?,
        environment: [String: String],
        flags: [String: String]
    ) throws -> ServeConfiguration {
        var configuration = ServeConfiguration()
        if let file {
            for (key, value) in try self.read(file: file) {
                try configuration.set(key, value, source: "config file \(file)")
            }
        }
        for key in self.keys {
            if let value = environment["ATSBRIDGE_" + key.uppercased()] {
                try configuration.set(key, value, source: "ATSBRIDGE_\(key.uppercased())")
            }
        }
        for (key, value) in flags.sorted(by: { $0.key < $1.key }) {
            try configuration.set(key, value, source: Self.flagName(of: key))
        }
        try configuration.checkTLS()
        let lease = configuration.sync
        guard lease.leaseRenewalInterval * 2 <= lease.leaseDuration else {
            throw ATSBridgeError(
                .inputInvalid,
                "sync_lease_renewal (\(lease.leaseRenewalInterval)) must be at most half of sync_lease_duration "
                    + "(\(lease.leaseDuration)), so that a late renewal does not lose the lease"
            )
        }
        return configuration
    }

    /// tls_cert and tls_key go together; tls_client_ca needs them.
    private func checkTLS() throws {
        guard let tls = self.server.tls else { return }
        guard !tls.certificatePath.isEmpty, !tls.privateKeyPath.isEmpty else {
            throw ATSBridgeError(
                .inputInvalid,
                "TLS needs both tls_cert and tls_key (tls_client_ca adds client certificates to them)"
            )
        }
    }

    /// Sets one of the TLS files, creating the TLS configuration on the first.
    private mutating func setTLS(_ update: (inout RPCServerTLS) -> Void) {
        var tls = self.server.tls ?? RPCServerTLS(certificatePath: "", privateKeyPath: "")
        update(&tls)
        self.server.tls = tls
    }

    /// Applies one setting given as text.
    mutating func set(_ key: String, _ value: String, source: String) throws {
        func invalid(_ why: String) -> ATSBridgeError {
            ATSBridgeError(.inputInvalid, "\(source): \(why)")
        }
        do {
            switch key {
            case "listen": self.listen = try HostPort(parsing: value, field: "listen")
            case "store": self.store = try StoreLocation(parsing: value)
            case "store_max_connections":
                self.storeMaxConnections = try Self.positive(value, field: "store_max_connections", max: 1000)
            case "api_keys":
                let keys = try value.split(separator: ",").map {
                    try Self.apiKey(String($0).trimmingCharacters(in: .whitespaces))
                }
                // A name is a key's identity in the store: a second one would replace the first.
                var names: Set<String> = []
                if let twice = keys.first(where: { !names.insert($0.name).inserted }) {
                    throw invalid("api key name '\(twice.name)' is given twice")
                }
                self.apiKeys = keys
            case "credential_key":
                _ = try CredentialVault(encodedKey: value)
                self.credentialKey = value
            case "sync_interval":
                let interval = try Self.duration(value, field: "sync_interval")
                guard interval >= .seconds(60) else { throw invalid("sync_interval must be at least 1m") }
                self.sync.defaultInterval = interval
            case "max_connections": self.server.maxConnections = try Self.positive(value, field: "max_connections")
            case "max_streams_per_connection":
                self.server.connection.maxConcurrentStreams = try Self.positive(
                    value,
                    field: "max_streams_per_connection"
                )
            case "max_message_bytes":
                let bytes = try Self.positive(value, field: "max_message_bytes", max: 1 << 30)
                guard bytes >= 64 << 10 else {
                    throw invalid("max_message_bytes must be at least 65536")
                }
                self.maxMessageBytes = bytes
            case "metrics_listen":
                self.metrics.listen = value == "off" ? nil : try HostPort(parsing: value, field: "metrics_listen")
            case "tls_cert": self.setTLS { $0.certificatePath = value }
            case "tls_key": self.setTLS { $0.privateKeyPath = value }
            case "tls_client_ca": self.setTLS { $0.clientCAPath = value }
            case "attachment_allow":
                let entries = value.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                // An empty entry is a slip (a stray comma, an unset variable), not "allow nothing".
                guard !entries.contains(where: \.isEmpty) else {
                    throw invalid("attachment_allow entries must not be empty")
                }
                self.write.attachmentAllowList = try AttachmentAllowList(parsing: entries)
            case "attachment_max_downloads":
                self.write.maxConcurrentDownloads = try Self.positive(value, field: "attachment_max_downloads")
            case "strict_file_modes":
                guard let strict = ["true": true, "1": true, "false": false, "0": false][value.lowercased()] else {
                    throw invalid("strict_file_modes must be true or false")
                }
                self.strictFileModes = strict
            case "sync_instance_id":
                let id = value.trimmingCharacters(in: .whitespaces)
                guard !id.isEmpty, id.count <= 200 else {
                    throw invalid("sync_instance_id must be 1 to 200 characters")
                }
                self.sync.instanceID = id
            case "sync_lease_duration":
                let duration = try Self.duration(value, field: "sync_lease_duration")
                guard duration >= .seconds(5) else { throw invalid("sync_lease_duration must be at least 5s") }
                self.sync.leaseDuration = duration
            case "sync_lease_renewal":
                let interval = try Self.duration(value, field: "sync_lease_renewal")
                guard interval >= .seconds(1) else { throw invalid("sync_lease_renewal must be at least 1s") }
                self.sync.leaseRenewalInterval = interval
            case "sync_fetch_concurrency":
                self.sync.fetchConcurrency = try Self.positive(value, field: "sync_fetch_concurrency", max: 32)
            case "recru_requests_per_second":
                self.recru.sync.requestsPerSecond = try Self.rate(value, field: "recru_requests_per_second")
            case "recru_unavailability_budget":
                let budget = try Self.duration(value, field: "recru_unavailability_budget")
                guard budget >= .seconds(1) else { throw invalid("recru_unavailability_budget must be at least 1s") }
                self.recru.sync.retry.unavailabilityBudget = budget
            case "integration_pacing":
                self.sync.integrationPacing = try Self.pacing(value)
            case "log_level":
                guard let level = Logger.Level(rawValue: value.lowercased()) else {
                    throw invalid("log_level must be one of trace, debug, info, notice, warning, error, critical")
                }
                self.logLevel = level
            default:
                if try self.setLimit(key, value) { break }
                throw invalid("unknown setting '\(key)'; known: \(Self.keys.joined(separator: ", "))")
            }
        } catch let error as ATSBridgeError where !error.message.hasPrefix(source) {
            throw invalid(error.message)
        }
    }

    /// `NAME:LEVEL:KEY` or `NAME:LEVEL:KEY:INTEGRATION+INTEGRATION`, LEVEL read, write or admin.
    static func apiKey(_ spec: String) throws -> APIKey {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4, !parts[0].isEmpty, parts[2].count >= 16 else {
            throw ATSBridgeError(
                .inputInvalid,
                "api_keys entries are NAME:LEVEL:KEY[:INTEGRATION+…] with a key of at least 16 characters"
            )
        }
        let levels: [String: AccessLevel] = ["read": .read, "write": .write, "admin": .admin]
        guard let level = levels[parts[1].lowercased()] else {
            throw ATSBridgeError(.inputInvalid, "api key \(parts[0]): LEVEL must be read, write or admin")
        }
        let integrations = parts.count == 4 ? Set(parts[3].split(separator: "+").map(String.init)) : nil
        return APIKey(name: parts[0], plaintext: parts[2], access: level, integrations: integrations)
    }

    /// The longest duration any setting takes: 100 years, far from overflowing the
    /// millisecond arithmetic of timers and schedules.
    public static let maxDuration = Duration.seconds(36_500 * 86_400)

    /// `500ms`, `45s`, `90m`, `3h`, `1d`, or a number of seconds; at most ``maxDuration``.
    public static func duration(_ text: String, field: String) throws -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        let seconds =
            units.first { text.hasSuffix($0.0) }.flatMap { unit in
                Double(text.dropLast(unit.0.count)).map { $0 * unit.1 }
            } ?? Double(text)
        guard let seconds, seconds >= 0, seconds.isFinite else {
            throw ATSBridgeError(.inputInvalid, "\(field) must be a duration such as 90m or 3h, not '\(text)'")
        }
        guard seconds <= Double(Self.maxDuration.components.seconds) else {
            throw ATSBridgeError(.inputInvalid, "\(field) must be at most 36500d, not '\(text)'")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    private static func positive(_ text: String, field: String, max: Int = .max) throws -> Int {
        guard let value = Int(text), value > 0, value <= max else {
            let range = max == .max ? "a positive integer" : "an integer from 1 to \(max)"
            throw ATSBridgeError(.inputInvalid, "\(field) must be \(range), not '\(text)'")
        }
        return value
    }

    /// Requests per second, 0.1 to 1,000.
    private static func rate(_ text: String, field: String) throws -> Double {
        guard let value = Double(text), value.isFinite, (0.1...1_000).contains(value) else {
            throw ATSBridgeError(.inputInvalid, "\(field) must be a rate from 0.1 to 1000 requests/s, not '\(text)'")
        }
        return value
    }

    /// `INTEGRATION=RATE[/CONCURRENCY]` entries, comma-separated (an array in the config
    /// file), e.g. `int_7Yc=3/2`.
    static func pacing(_ text: String) throws -> [String: IntegrationPacing] {
        var pacing: [String: IntegrationPacing] = [:]
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let values = parts.count == 2 ? parts[1].split(separator: "/").map(String.init) : []
            guard parts.count == 2, !parts[0].isEmpty, (1...2).contains(values.count) else {
                throw ATSBridgeError(
                    .inputInvalid,
                    "integration_pacing entries are INTEGRATION=RATE[/CONCURRENCY], e.g. int_7Yc=3/2, not '\(entry)'"
                )
            }
            let rate = try Self.rate(values[0], field: "integration_pacing rate of \(parts[0])")
            var concurrency: Int?
            if values.count == 2 {
                concurrency = try Self.positive(
                    values[1],
                    field: "integration_pacing concurrency of \(parts[0])",
                    max: 32
                )
            }
            pacing[parts[0]] = IntegrationPacing(maxRequestsPerSecond: rate, fetchConcurrency: concurrency)
        }
        return pacing
    }

    /// The `serve` flag that sets `key`: the key with dashes, except for the repeatable flags,
    /// which are singular (`--api-key`, `--attachment-allow`).
    static func flagName(of key: String) -> String {
        key == "api_keys" ? "--api-key" : "--\(key.replacingOccurrences(of: "_", with: "-"))"
    }

    /// A JSON object of settings; values are strings, numbers or (for api_keys) arrays.
    private static func read(file: String) throws -> [(String, String)] {
        let url = URL(fileURLWithPath: file)
        // `stat` follows symbolic links (a mounted ConfigMap is one); a FIFO would block the
        // read until someone writes it, and a folder has no settings.
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw ATSBridgeError(.inputInvalid, "config file \(file) cannot be read")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ATSBridgeError(.inputInvalid, "config file \(file) is not a regular file")
        }
        let size = Int(info.st_size)
        guard size <= 1 << 20 else { throw ATSBridgeError(.inputInvalid, "config file \(file) is over 1 MiB") }
        guard let data = try? Data(contentsOf: url) else {
            throw ATSBridgeError(.inputInvalid, "config file \(file) cannot be read")
        }
        // Foundation also reads UTF-16 and UTF-32; the duplicate-key check below reads UTF-8.
        guard String(validating: Array(data), as: UTF8.self) != nil else {
            throw ATSBridgeError(.inputInvalid, "config file \(file) is not UTF-8 text")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            // Foundation's description says where ("around character 7"), never what the
            // file holds (it may hold keys).
            let reason = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String).map { ": \($0)" } ?? ""
            throw ATSBridgeError(.inputInvalid, "config file \(file) is not valid JSON\(reason)")
        }
        guard let object = parsed as? [String: Any] else {
            throw ATSBridgeError(.inputInvalid, "config file \(file) is not a JSON object")
        }
        // Foundation keeps the last of two equal keys silently; a file that sets one twice is
        // more likely a mistake than an override.
        var seen: Set<String> = []
        var repeated: [String] = []
        for key in (try? JSONReader.objectKeys(Array(data))) ?? []
        where !seen.insert(key).inserted && !repeated.contains(key) {
            repeated.append(key)
        }
        guard repeated.isEmpty else {
            throw ATSBridgeError(
                .inputInvalid,
                "config file \(file) sets \(repeated.joined(separator: ", ")) more than once; keep one of each"
            )
        }
        return try object.sorted { $0.key < $1.key }.map { key, value in
            switch value {
            case let text as String: return (key, text)
            case let number as NSNumber: return (key, number.stringValue)
            case let list as [String]: return (key, list.joined(separator: ","))
            default:
                throw ATSBridgeError(.inputInvalid, "config file \(file): \(key) must be a string or number")
            }
        }
    }
}
