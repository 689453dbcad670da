import ATSBridgeClient
import ATSBridgeCore
import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation
import Logging
import Testing

@testable import ATSBridgeAPI

/// `data_url` downloads cannot be turned against the server's network: internal addresses are
/// refused as written, after DNS, and on every redirect hop; http needs the allow-list.
@Suite struct AttachmentURLTests {
    private func code(_ error: any Error) -> String {
        (error as? ATSBridgeError)?.code.dotted ?? "\(error)"
    }

    /// The write call's outcome for one `data_url`: `nil` when it succeeded, else the error.
    private func outcome(_ url: String, _ harness: WriteHarness, _ email: String) async -> (any Error)? {
        var request = harness.request(email: email)
        request.attachments = [AttachmentInput(name: "cv.pdf", type: .cv, content: .dataURL(url))]
        do {
            _ = try await harness.client.unary(AtsWriteService.createApplication, request)
            return nil
        } catch {
            return error
        }
    }

    @Test func internalAddressesAreRefusedAsWrittenAndAfterDNS() async throws {
        let urls = [
            "https://127.0.0.1/cv.pdf", "https://127.8.9.10:8443/cv.pdf", "https://[::1]/cv.pdf",
            "http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/latest/meta-data/",
            "https://10.1.2.3/cv.pdf", "https://172.16.0.1/cv.pdf", "https://192.168.1.1/cv.pdf",
            "https://0.0.0.0/cv.pdf", "https://[::]/cv.pdf", "https://[fe80::1]/cv.pdf", "https://[fd00:ec2::254]/",
            "https://224.0.0.1/cv.pdf", "https://[ff02::1]/cv.pdf", "https://[::ffff:127.0.0.1]/cv.pdf",
            "https://[::ffff:169.254.169.254]/", "https://[64:ff9b::a00:1]/cv.pdf",
            // Resolved by the system resolver to loopback: a name, and numeric forms it accepts.
            "https://localhost/cv.pdf", "https://LocalHost/cv.pdf", "https://2130706433/cv.pdf",
            "https://0x7f.1/cv.pdf",
        ]
        try await WriteHarness.with { harness in
            for (index, url) in urls.enumerated() {
                let error = await self.outcome(url, harness, "ssrf\(index)@example.sk")
                #expect(error.map(self.code) == "PLATFORM.ATTACHMENT_URL_REFUSED", "\(url)")
                // http is refused before DNS; https is refused by the address class.
                let reason = url.hasPrefix("http:") ? "must be https" : "may not reach"
                #expect(error.map { "\($0)".contains(reason) } == true, "\(url): \(String(describing: error))")
            }
        }
    }

    @Test func plainHTTPNeedsTheAllowList() async throws {
        try await WriteHarness.with { harness in
            let error = await self.outcome("http://files.example.com/cv.pdf", harness, "http@example.sk")
            #expect(error.map(self.code) == "PLATFORM.ATTACHMENT_URL_REFUSED")
            #expect(error.map { "\($0)".contains("must be https") } == true)
        }
    }

    @Test func anAllowedHostDownloadsAndEveryRedirectHopIsChecked() async throws {
        // 127.0.0.2 is loopback too (Linux answers on all of 127/8): allowed, unlike 127.0.0.1.
        let files = FileServer(bigSize: 10, host: "127.0.0.2")
        try await withRunningService(files, logger: Logger(label: "test.files")) { files, _ in
            let base = try await files.baseURL()
            let port = try await files.listeningPort()
            let list = try AttachmentAllowList(parsing: ["127.0.0.2"])
            let allowed: (inout WriteHarness.Options) -> Void = { $0.write = { $0.attachmentAllowList = list } }
            try await WriteHarness.with(allowed) { harness in
                #expect(await self.outcome(base + "/cv.pdf", harness, "ok1@example.sk") == nil)
                #expect(await self.outcome(base + "/hop/3", harness, "ok2@example.sk") == nil, "3 redirects")

                let tooMany = await self.outcome(base + "/hop/4", harness, "hops@example.sk")
                #expect(tooMany.map(self.code) == "PLATFORM.ATTACHMENT_URL_REFUSED")
                #expect(tooMany.map { "\($0)".contains("redirects more than 3 times") } == true)

                let targets = [
                    "http://127.0.0.1:\(port)/cv.pdf", "http://localhost:\(port)/cv.pdf",
                    "http://[::1]:\(port)/cv.pdf", "http://169.254.169.254/latest/meta-data/",
                    "https://10.0.0.1/cv.pdf",
                ]
                for (index, target) in targets.enumerated() {
                    let escaped = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? target
                    let error = await self.outcome(base + "/redirect?to=" + escaped, harness, "r\(index)@example.sk")
                    #expect(error.map(self.code) == "PLATFORM.ATTACHMENT_URL_REFUSED", "redirect to \(target)")
                }
            }
        }
    }

    @Test func addressesAreClassified() {
        let cases: [(String, AddressClass)] = [
            ("8.8.8.8", .public), ("2a00:1450:4001:80b::200e", .public), ("127.0.0.1", .loopback),
            ("::1", .loopback), ("10.200.1.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
            ("172.32.0.1", .public), ("192.168.0.1", .privateNetwork), ("100.64.0.1", .privateNetwork),
            ("169.254.169.254", .cloudMetadata), ("fd00:ec2::254", .cloudMetadata),
            ("100.100.100.200", .cloudMetadata), ("169.254.1.1", .linkLocal), ("fe80::abcd", .linkLocal),
            ("224.0.0.251", .multicast), ("ff05::2", .multicast), ("0.0.0.0", .unspecified),
            ("::", .unspecified), ("fc00::1", .privateNetwork), ("::ffff:10.0.0.1", .privateNetwork),
            ("::ffff:8.8.8.8", .public), ("64:ff9b::7f00:1", .loopback), ("::ffff:0:7f00:1", .loopback),
            ("::ffff:0:808:808", .public), ("2002:a9fe:a9fe::", .cloudMetadata),
            ("255.255.255.255", .reserved), ("192.0.2.1", .reserved),
        ]
        for (text, expected) in cases {
            let address = IPAddress(text)
            #expect(address.map(AddressClass.init) == expected, "\(text)")
        }
        #expect(IPAddress("localhost") == nil)
        #expect(IPAddress("[::1]")?.description == "::1")
    }

    @Test func theAllowListParsesNamesAddressesAndNetworks() throws {
        let list = try AttachmentAllowList(parsing: ["Files.Internal", "10.0.0.0/8", "::1", " fd00::/8 "])
        #expect(list.allows(host: "files.internal"))
        #expect(list.allows(IPAddress("10.9.8.7")!))
        #expect(!list.allows(IPAddress("11.0.0.1")!))
        #expect(list.allows(IPAddress("::1")!))
        #expect(list.allows(IPAddress("fd12::1")!))
        for bad in ["10.0.0.0/33", "::/129", "http://x", "a b"] {
            #expect(throws: ATSBridgeError.self, "\(bad)") { try AttachmentAllowList(parsing: [bad]) }
        }
    }

    @Test func downloadsOverTheServerWideCapAreRefused() async throws {
        let slots = DownloadSlots(limit: 1)
        let (holding, release) = AsyncStream.makeStream(of: Void.self)
        let (entered, enter) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await slots.withSlot {
                    enter.yield()
                    for await _ in holding { break }
                }
            }
            for await _ in entered { break }
            await #expect {
                try await slots.withSlot {}
            } throws: { ($0 as? ATSBridgeError)?.code == .resourceExhausted }
            release.yield()
            try await group.waitForAll()
        }
        // The slot is free again.
        try await slots.withSlot {}
    }
}
