import ATSBridgeCore
import ATSBridgeProto

extension IntegrationSettings {
    /// Checks the request pacing settings (fields 20–29): a rate from 0.1 to 1,000 requests
    /// per second and a concurrency from 1 to 32.
    ///
    /// - Throws: ``ATSBridgeError`` `PLATFORM.INPUT_INVALID` naming the field.
    func checkPacing() throws(ATSBridgeError) {
        if let rate = self.maxRequestsPerSecond, !(rate.isFinite && (0.1...1_000).contains(rate)) {
            throw ATSBridgeError(.inputInvalid, "settings.max_requests_per_second must be from 0.1 to 1000")
        }
        if let concurrency = self.fetchConcurrency, !(1...32).contains(concurrency) {
            throw ATSBridgeError(.inputInvalid, "settings.fetch_concurrency must be from 1 to 32")
        }
    }
}
