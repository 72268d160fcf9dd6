import KandasProtocol
import Testing

@testable import KandasServer

@Test(arguments: [
    Geolocation(
        latitude: 43.25, longitude: 76.95, accuracyMeters: 8,
        fixTime: Timestamp(millisecondsSince1970: 1_763_616_540_000),
        provider: .gps, mock: false),
    Geolocation(
        latitude: -0.000123456789, longitude: 179.99999, accuracyMeters: 1500.5,
        fixTime: Timestamp(millisecondsSince1970: 1_763_616_540_123), provider: .network, mock: true,
        altitudeMeters: -12.75),
])
func locationText_isTheWireEncodersBytes(location: Geolocation) throws {
    #expect(CompletionStore.locationText(location) == (try jsonText(location)))
    #expect(decodeJSON(Geolocation.self, CompletionStore.locationText(location)) == location)
}
