import KandasDomain
import KandasProtocol
import KandasStore
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0040 (issue 15): a completion's location as numbers, its evidence lists as bit masks.
@Suite struct CompletionEvidenceTests {
    static let locations = [
        Geolocation(
            latitude: 43.25, longitude: 76.95, accuracyMeters: 8,
            fixTime: Timestamp(millisecondsSince1970: 1_763_616_540_000), provider: .gps, mock: false),
        Geolocation(
            latitude: -0.000123456789, longitude: 179.99999, accuracyMeters: 1500.5,
            fixTime: Timestamp(millisecondsSince1970: 1_763_616_540_123), provider: .network, mock: true,
            altitudeMeters: -12.75),
        Geolocation(
            latitude: 0.1 + 0.2, longitude: -180, accuracyMeters: .leastNonzeroMagnitude,
            fixTime: Timestamp(millisecondsSince1970: -62_167_219_200_000), provider: .fused, mock: false,
            altitudeMeters: 1e300),
        Geolocation(
            latitude: -90, longitude: 180, accuracyMeters: 0,
            fixTime: Timestamp(millisecondsSince1970: 253_402_300_799_999), provider: .manual, mock: true,
            altitudeMeters: -0.0),
        Geolocation(
            latitude: 90, longitude: -0.0, accuracyMeters: 1e15 + 0.5,
            fixTime: Timestamp(millisecondsSince1970: 0), provider: .gps, mock: false, altitudeMeters: 4e18),
    ]

    /// Every value push accepts comes back from a `STRICT` table's columns (the types 0040 adds)
    /// with the same wire bytes it went in with.
    @Test func storedLocation_roundTripsThroughSQLiteColumns_toTheSameWireBytes() throws {
        let db = try Connection(path: ":memory:")
        try db.execute(
            "CREATE TABLE t(n INTEGER PRIMARY KEY, loc_latitude REAL, loc_longitude REAL, loc_accuracy_m REAL,"
                + " loc_altitude_m REAL, loc_fix_time INTEGER, loc_provider INTEGER, loc_mock INTEGER) STRICT")
        let adapter = SQLiteConnectionAdapter(db)
        for (n, g) in (Self.locations.map { Optional($0) } + [nil]).enumerated() {
            _ = try adapter.run(
                "INSERT INTO t VALUES(?, \(StoredLocation.names.map { _ in "?" }.joined(separator: ", ")))",
                values: [.integer(Int64(n))] + StoredLocation.values(g))
            let row = try #require(
                try adapter.queryOne(
                    "SELECT \(StoredLocation.select("t")) FROM t WHERE n = ?", values: [.integer(Int64(n))]))
            let read = StoredLocation.read(row)
            #expect(read == g)
            #expect(try read.map { try JSONCoding.encodeBytes($0) } == g.map { try JSONCoding.encodeBytes($0) })
            // Bit for bit, a zero as +0 (``StoredLocation/values(_:)``).
            if let g, let read {
                for (out, sent) in [
                    (read.latitude, g.latitude), (read.longitude, g.longitude), (read.accuracyMeters, g.accuracyMeters),
                    (read.altitudeMeters ?? 1, g.altitudeMeters ?? 1),
                ] {
                    #expect(out.bitPattern == (sent == 0 ? 0.0 : sent).bitPattern, "\(sent)")
                }
            }
        }
    }

    /// Columns that do not make a location (written by hand) read as none, as unreadable text did.
    @Test func storedLocation_withAColumnMissingOrAnUnknownProvider_isNone() {
        var values = StoredLocation.values(Self.locations[1])
        #expect(StoredLocation.location(values) == Self.locations[1])
        values[5] = .integer(9)
        #expect(StoredLocation.location(values) == nil)
        values = StoredLocation.values(Self.locations[1])
        values[1] = .null
        #expect(StoredLocation.location(values) == nil)
        #expect(Set(LocationProvider.allCases.map(StoredLocation.code)).count == LocationProvider.allCases.count)
        // -0 is stored as +0 on both engines (SQLite could not keep the sign).
        guard case .real(let altitude) = StoredLocation.values(Self.locations[3])[3] else {
            Issue.record("altitude not stored as a real")
            return
        }
        #expect(Self.locations[3].altitudeMeters?.sign == .minus && altitude.bitPattern == 0)
    }

    /// Every list the rules produce (each service, each set of file kinds, with and without a
    /// location, mock, inaccurate, far, skewed, performed after recorded) has a mask whose list is
    /// itself: a new flag or missing kind without a bit fails here.
    @Test func everyEvidenceListTheRulesProduce_isStoredAndReadBackInItsOrder() throws {
        let fix = Timestamp(millisecondsSince1970: 0)
        let places: [Geolocation?] = [
            nil, Geolocation(latitude: 43, longitude: 77, accuracyMeters: 5, fixTime: fix, provider: .gps, mock: false),
            Geolocation(latitude: 50, longitude: 60, accuracyMeters: 500, fixTime: fix, provider: .gps, mock: true),
        ]
        let kindSets: [Set<String>] = [
            [], ["photo"], ["video"], ["document"], ["photo", "video"], ["photo", "video", "document"],
        ]
        var seenFlags: Set<String> = []
        var seenMissing: Set<String> = []
        for code in Array(1...25) + [99] {
            for place in places {
                for kinds in kindSets {
                    for (skew, performed) in [(Int64(0), Int64(0)), (700_000, 5)] {
                        let flags = CompletionStore.evidenceFlags(
                            serviceCode: code, location: place, kinds: kinds, settlement: (43, 77),
                            skewMilliseconds: skew, performedAt: performed, recordedAt: 0)
                        let flagMask = try #require(EvidenceBits.mask(flags, EvidenceBits.flags), "\(flags)")
                        #expect(EvidenceBits.list(flagMask, EvidenceBits.flags) == flags)
                        seenFlags.formUnion(flags)
                        for (declared, verified) in [(0, 0), (2, 1)] {
                            let missing = CompletionStore.evidenceMissing(
                                serviceCode: code, location: place, kinds: kinds, declared: declared, verified: verified
                            )
                            let mask = try #require(EvidenceBits.mask(missing, EvidenceBits.missing), "\(missing)")
                            #expect(EvidenceBits.list(mask, EvidenceBits.missing) == missing)
                            var bytes: [UInt8] = []
                            EvidenceBits.write(mask, EvidenceBits.missing, to: &bytes)
                            #expect(bytes == (try JSONCoding.encodeBytes(missing)))
                            seenMissing.formUnion(missing)
                        }
                    }
                }
            }
        }
        // Every bit is one the rules use (the loops reach them all).
        #expect(seenFlags == Set(EvidenceBits.flags))
        #expect(seenMissing == Set(EvidenceBits.missing))
        #expect(EvidenceBits.mask(["x"], EvidenceBits.flags) == nil)
        #expect(EvidenceBits.mask(["clock_skew", "missing_photo"], EvidenceBits.flags) == nil)
        #expect(throws: ServerError.self) { try EvidenceBits.storedMask(["new_flag"], EvidenceBits.flags) }
    }
}
