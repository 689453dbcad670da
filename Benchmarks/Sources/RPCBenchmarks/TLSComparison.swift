import ATSBridgeClient
import ATSBridgeProto
import ATSBridgeTestSupport
import Foundation

/// Streaming export over TLS against plain TCP in the same run: two server processes (one plain,
/// one TLS with a P-256 certificate made for the run), runs alternated so that both see the same
/// machine state; the ratio of medians is the figure.
func compareTLS() async throws {
    let certificates = try await TestCertificates.make()
    let plain = try spawnServer()
    let tls = try spawnServer([certificates.serverCertificate, certificates.serverKey])
    let plainClient = RPCClient(
        configuration: RPCClientConfiguration(port: plain.port, apiKey: apiKey, integrationID: "bench")
    )
    let tlsClient = RPCClient(
        configuration: RPCClientConfiguration(
            port: tls.port,
            apiKey: apiKey,
            integrationID: "bench",
            tls: RPCClientTLS(caPath: certificates.ca)
        )
    )
    for client in [plainClient, tlsClient] {
        _ = try await client.unary(HealthService.ping, PingRequest())
        _ = try await exportTransportOnly(client: client)  // warm-up
    }
    let runs = Int(environment["BENCH_RUNS"] ?? "") ?? 5
    var plainTransport: [Double] = []
    var tlsTransport: [Double] = []
    var plainTyped: [Double] = []
    var tlsTyped: [Double] = []
    for _ in 0..<runs {
        plainTransport.append(try await exportTransportOnly(client: plainClient))
        tlsTransport.append(try await exportTransportOnly(client: tlsClient))
        plainTyped.append(try await export(client: plainClient).seconds)
        tlsTyped.append(try await export(client: tlsClient).seconds)
    }
    await plainClient.close()
    await tlsClient.close()
    for server in [plain.process, tls.process] {
        server.terminate()
        server.waitUntilExit()
    }

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func line(_ name: String, _ plainSeconds: [Double], _ tlsSeconds: [Double]) {
        let plainRate = Double(totalCandidates) / median(plainSeconds)
        let tlsRate = Double(totalCandidates) / median(tlsSeconds)
        print(
            String(
                format: "  %@: plain %.0f candidates/s (%.0f MB/s), TLS %.0f candidates/s (%.0f MB/s); TLS/plain %.2f",
                name,
                plainRate,
                plainRate * 744 / 1e6,
                tlsRate,
                tlsRate * 744 / 1e6,
                tlsRate / plainRate
            )
        )
    }
    print(
        "streaming export over TLS vs plain TCP: \(totalCandidates) candidates, pages of \(pageSize), medians of \(runs)"
    )
    line("transport only", plainTransport, tlsTransport)
    line("decoded to typed values", plainTyped, tlsTyped)
}
