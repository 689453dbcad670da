import Testing

@testable import ATSBridgeRECRU

/// The adaptive request rate (AIMD), on instants the test chooses.
@Suite struct RequestPacerTests {
    private let start = ContinuousClock.now

    @Test func startsAtTheCeilingAndSpacesRequests() {
        var pacer = RequestPacer(ceiling: 4, now: self.start)
        #expect(pacer.rate == 4)
        #expect(pacer.reserve(now: self.start) == self.start)
        #expect(pacer.reserve(now: self.start) == self.start + .milliseconds(250))
        #expect(pacer.reserve(now: self.start) == self.start + .milliseconds(500))
    }

    @Test func a429HalvesTheRateOncePer250MillisecondsAndHonoursRetryAfter() {
        var pacer = RequestPacer(ceiling: 8, now: self.start)
        pacer.rateLimited(retryAfter: .seconds(2), now: self.start)
        #expect(pacer.rate == 4)
        // Another request in flight during the same congestion: no second halving.
        pacer.rateLimited(retryAfter: nil, now: self.start + .milliseconds(100))
        #expect(pacer.rate == 4)
        #expect(pacer.rateLimited == 2)
        #expect(pacer.reserve(now: self.start + .milliseconds(200)) == self.start + .seconds(2), "Retry-After")
        pacer.rateLimited(retryAfter: nil, now: self.start + .milliseconds(300))
        #expect(pacer.rate == 2)
    }

    @Test func theRateNeverFallsBelowTheFloorAndGrowsBackToTheCeiling() {
        var pacer = RequestPacer(ceiling: 2, floor: 0.5, increase: 1, now: self.start)
        for second in 0..<10 { pacer.rateLimited(retryAfter: nil, now: self.start + .seconds(second)) }
        #expect(pacer.rate == 0.5)
        pacer.answered()
        #expect(pacer.rate == 2, "0.5 + 1 / 0.5, capped at the ceiling")
        pacer.answered()
        #expect(pacer.rate == 2)
    }

    @Test func retryAfterIsReadAsSecondsOrAnHTTPDate() throws {
        #expect(RECRUClient.retryAfter("2") == .seconds(2))
        #expect(RECRUClient.retryAfter(" 0.5 ") == .milliseconds(500))
        #expect(RECRUClient.retryAfter("0") == .zero)
        #expect(RECRUClient.retryAfter("Thu, 01 Jan 1970 00:00:00 GMT") == .zero, "a past date: no wait")
        let future = try #require(RECRUClient.retryAfter("Fri, 01 Jan 2100 00:00:00 GMT"))
        #expect(future > .seconds(86_400))
        #expect(RECRUClient.retryAfter("soon") == nil)
        #expect(RECRUClient.retryAfter("-3") == nil)
    }
}
