import Testing

@testable import HTTPServer

/// The malloc settings a server applies at start.
@Suite struct ProcessMemoryTests {
    @Test func defaults_bound_arenasAndThresholds() {
        let settings = ProcessMemory.Settings()
        #expect(settings.arenas == 2)
        #expect(settings.trimThresholdBytes == 1 << 20 && settings.mmapThresholdBytes == 1 << 20)
        // Applying them to the test process is harmless and must be accepted.
        #expect(ProcessMemory.configure(settings))
    }

    @Test func valueOutOfRange_isReportedAndNotApplied() {
        // mallopt takes an int: negative or wider values never reach it.
        #expect(!ProcessMemory.configure(.init(arenas: -1, trimThresholdBytes: nil, mmapThresholdBytes: nil)))
        #expect(!ProcessMemory.configure(.init(arenas: nil, trimThresholdBytes: 1 << 40, mmapThresholdBytes: nil)))
        #expect(ProcessMemory.configure(.init(arenas: nil, trimThresholdBytes: nil, mmapThresholdBytes: 128 << 10)))
    }
}
