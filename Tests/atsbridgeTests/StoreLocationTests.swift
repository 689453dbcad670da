import ATSBridgeApp
import ATSBridgeCore
import ATSBridgeServer
import ATSBridgeTestSupport
import Foundation
import Testing

/// `store` settings: SQLite paths and PostgreSQL URLs, parsed from every source, and the
/// password never shown, whatever prints them.
@Suite struct StoreLocationTests {
    private func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch let error as ATSBridgeError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func aPostgreSQLURLIsParsedAndShownWithoutItsPassword() throws {
        let location = try StoreLocation(parsing: "postgres://bridge:p%40ss-w0rd@db.example:6543/ats?sslmode=require")
        guard case .postgres(let url) = location else {
            Issue.record("not PostgreSQL: \(location)")
            return
        }
        #expect(url.user == "bridge" && url.host == "db.example" && url.port == 6543 && url.database == "ats")
        #expect(url.sslMode == "require" && url.hasPassword)
        #expect(url.server == "db.example:6543/ats")
        #expect(location.description == "postgres://bridge:***@db.example:6543/ats?sslmode=require")
        var dumped = ""
        dump(location, to: &dumped)
        for shown in [location.description, String(reflecting: location), "\(url)", String(reflecting: url), dumped] {
            #expect(!shown.contains("p%40ss-w0rd") && !shown.contains("p@ss-w0rd"), "\(shown)")
        }
        #expect(url.scrubbed("login failed for p@ss-w0rd and p%40ss-w0rd") == "login failed for *** and ***")
    }

    @Test func defaultsAndOtherSpellings() throws {
        guard case .postgres(let url) = try StoreLocation(parsing: "postgresql://bridge@[::1]/ats") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(url.host == "::1" && url.port == 5432 && url.sslMode == "prefer" && !url.hasPassword)
        #expect(url.server == "[::1]:5432/ats")
        #expect(try StoreLocation(parsing: "sqlite:/var/lib/a.sqlite") == .sqlite(path: "/var/lib/a.sqlite"))
        #expect(try StoreLocation(parsing: "sqlite:///var/lib/a.sqlite") == .sqlite(path: "/var/lib/a.sqlite"))
    }

    @Test(arguments: [
        ("postgres://bridge:hunter2-secret@/ats", "names no host"),
        ("postgres://:hunter2-secret@db/ats", "names no user"),
        ("postgres://bridge:hunter2-secret@db/ats?application_name=x", "not supported"),
        // libpq's own spelling of a password, refused here: still not shown.
        ("postgres://bridge@db/ats?sslmode=require&password=hunter2-secret", "not supported"),
        // A '?' or '@' inside an unencoded password does not start the query early.
        ("postgres://bridge:hunter2-secret?x=1@db/ats", "not supported"),
        ("postgres://bridge:hunter2-secret@x?y@db/ats?sslmode=require", "not supported"),
        ("postgres://bridge:pass?hunter2-secret@db/ats", "not supported"),
        ("postgres://bridge:hunter2-secret@db:70000/ats", "port"),
        ("postgres://bridge:hunter2-secret@db/ats?sslmode=maybe", "sslmode must be"),
        ("mysql://bridge:hunter2-secret@db/ats", "store must be sqlite:PATH or postgres://"),
        ("bridge:hunter2-secret@db/ats", "store must be"),
    ])
    func aBadStoreIsAClearErrorWithoutThePassword(text: String, mention: String) {
        let message = self.message { _ = try StoreLocation(parsing: text) }
        #expect(message.contains(mention) || message.contains("cannot be parsed"), "\(message)")
        #expect(!message.isEmpty && !message.contains("hunter2-secret"), "\(message)")
    }

    @Test func aConfigFileThatIsNotJSONSaysWhereWithoutShowingItsContent() throws {
        let file = TemporaryFiles.unique("broken", extension: "json")
        try #"{"listen": "127.0.0.1:7420", "credential_key": "not-shown-secret","#
            .write(to: file, atomically: true, encoding: .utf8)
        let message = self.message { _ = try ServeConfiguration.load(file: file.path, environment: [:], flags: [:]) }
        #expect(message.contains("is not valid JSON: "), "\(message)")
        #expect(!message.contains("not-shown-secret"))
        try "[1, 2]".write(to: file, atomically: true, encoding: .utf8)
        let array = self.message { _ = try ServeConfiguration.load(file: file.path, environment: [:], flags: [:]) }
        #expect(array.contains("is not a JSON object"), "\(array)")
    }

    @Test func aConfigFileSettingAKeyTwiceIsRefusedNamingIt() throws {
        let file = TemporaryFiles.unique("twice", extension: "json")
        // Nested objects and arrays, escapes and look-alike strings in values are not keys.
        try #"""
        {"listen": "127.0.0.1:1", "attachment_allow": ["a.example.com", "listen"],
         "credential_key": "x\"listen\": ", "max_connections": 5, "\u006cisten": "127.0.0.1:2",
         "max_connections": 6}
        """#.write(to: file, atomically: true, encoding: .utf8)
        let message = self.message { _ = try ServeConfiguration.load(file: file.path, environment: [:], flags: [:]) }
        #expect(message.contains("sets listen, max_connections more than once"), "\(message)")
        try #"{"listen": "127.0.0.1:1", "max_connections": 5, "attachment_allow": ["listen", "listen"]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        // Repeated values in a list are not repeated keys: the file loads.
        _ = try ServeConfiguration.load(file: file.path, environment: [:], flags: [:])
        // Foundation reads UTF-16 too, which the check could not see into: refused.
        try #"{"listen": "127.0.0.1:1", "listen": "127.0.0.1:2"}"#.write(to: file, atomically: true, encoding: .utf16)
        let utf16 = self.message { _ = try ServeConfiguration.load(file: file.path, environment: [:], flags: [:]) }
        #expect(utf16.contains("is not UTF-8 text"), "\(utf16)")
    }

    @Test func anEmptyAttachmentAllowEntryIsRefused() {
        for value in ["", "files.example.com,", "a.example.com,,b.example.com"] {
            let message = self.message {
                _ = try ServeConfiguration.load(file: nil, environment: [:], flags: ["attachment_allow": value])
            }
            #expect(message.contains("attachment_allow entries must not be empty"), "\(value): \(message)")
        }
    }

    @Test func theResponseMemorySharesAreSetFromEverySourceAndMustBePositive() throws {
        let file = TemporaryFiles.unique("shares", extension: "json")
        try #"{"max_connection_response_bytes": 1048576}"#.write(to: file, atomically: true, encoding: .utf8)
        let configuration = try ServeConfiguration.load(
            file: file.path,
            environment: ["ATSBRIDGE_MAX_KEY_RESPONSE_BYTES": "2097152"],
            flags: [:]
        )
        #expect(configuration.server.maxConnectionResponseBytes == 1 << 20)
        #expect(configuration.server.maxKeyResponseBytes == 2 << 20)
        #expect(
            try ServeConfiguration.load(file: nil, environment: [:], flags: [:]).server.maxKeyResponseBytes == 128 << 20
        )
        let message = self.message {
            _ = try ServeConfiguration.load(file: nil, environment: [:], flags: ["max_key_response_bytes": "0"])
        }
        #expect(message.contains("max_key_response_bytes must be a positive integer"), "\(message)")
    }

    @Test func aBadKeyFlagIsNamedAsTheFlagIsSpelled() {
        let message = self.message {
            _ = try ServeConfiguration.load(file: nil, environment: [:], flags: ["api_keys": "short"])
        }
        #expect(message.hasPrefix("--api-key:"), "\(message)")
    }

    @Test func everySourceSetsTheStoreAndNoneShowsThePassword() throws {
        let url = "postgres://bridge:env-secret-1@db.internal:5432/ats?sslmode=verify-full"
        let configuration = try ServeConfiguration.load(
            file: nil,
            environment: ["ATSBRIDGE_STORE": url],
            flags: [:]
        )
        #expect(configuration.store.description == "postgres://bridge:***@db.internal:5432/ats?sslmode=verify-full")

        let file = TemporaryFiles.unique("store", extension: "json")
        try #"{"store": "postgres://bridge:file-secret-2@/ats"}"#.write(to: file, atomically: true, encoding: .utf8)
        let fromFile = self.message {
            _ = try ServeConfiguration.load(file: file.path, environment: [:], flags: [:])
        }
        #expect(fromFile.contains("config file") && fromFile.contains("bridge:***@"), "\(fromFile)")
        #expect(!fromFile.contains("file-secret-2"))

        let fromFlag = self.message {
            _ = try ServeConfiguration.load(
                file: nil,
                environment: [:],
                flags: ["store": "postgres://bridge:flag-secret-3@db/ats?sslmode=never"]
            )
        }
        #expect(fromFlag.hasPrefix("--store") && !fromFlag.contains("flag-secret-3"), "\(fromFlag)")
    }
}
