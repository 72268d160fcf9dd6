import Testing

@testable import KandasClient

@Test func backoffWithTheSameSeed_givesTheSameSchedule() {
    let a = Backoff(seed: 42)
    let b = Backoff(seed: 42)
    let first = (0..<12).map { a.delay(attempt: $0) }
    #expect(first == (0..<12).map { b.delay(attempt: $0) })
    #expect(first != (0..<12).map { Backoff(seed: 43).delay(attempt: $0) })
}

@Test func backoff_doublesFromOneSecondWithJitterAndCapsAtFiveMinutes() {
    let backoff = Backoff(seed: 1)
    for attempt in 0..<15 {
        let full = min(Duration.seconds(300), .seconds(1) * (1 << attempt))
        let delay = backoff.delay(attempt: attempt)
        #expect(delay >= full / 2)
        #expect(delay < full)
    }
}
