import ATSBridgeCore
import ATSBridgeServer
import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads the RPC server's TLS files on SIGHUP (they are also re-read when they change).
struct TLSReloadOnSignal: Service {
    let server: RPCServer
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            do {
                try await self.server.reloadTLS()
            } catch {
                self.logger.error(
                    "SIGHUP: the TLS files cannot be loaded; the previous ones stay in use",
                    metadata: [LogKey.errorDescription: "\(error)"]
                )
            }
        }
    }
}
