import Foundation
import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct FormatTests {
    @Test func iins_areMaskedExceptTheLastFour_unlessShown() {
        #expect(Format(timeZone: .gmt, showIIN: false).iin("900101300123") == "********0123")
        #expect(Format(timeZone: .gmt, showIIN: true).iin("900101300123") == "900101300123")
    }

    @Test func bytes_useBinaryUnits() {
        #expect(Format.bytes(0) == "0 B")
        #expect(Format.bytes(1023) == "1023 B")
        #expect(Format.bytes(1536) == "1.5 KiB")
        #expect(Format.bytes(3 << 20) == "3.0 MiB")
        #expect(Format.bytes(5 << 30) == "5.0 GiB")
    }

    @Test func eta_showsMinutesOrHours_andDashesWhenUnknown() {
        #expect(Format.eta(7) == "0:07")
        #expect(Format.eta(750) == "12:30")
        #expect(Format.eta(3723) == "1:02:03")
        #expect(Format.eta(.infinity) == "--:--")
        #expect(Format.eta(-1) == "--:--")
    }

    @Test func times_areShownInTheLocalZone() {
        let format = Format(timeZone: TimeZone(identifier: "Asia/Almaty")!, showIIN: false)
        #expect(format.time(Timestamp("2026-11-20T10:15:30.000Z")!) == "2026-11-20 15:15")
    }

    @Test func shortIDs_areTheLastEightHexDigits() {
        #expect(Format.short(WireID("0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b")!) == "5f1c2d3b")
    }

    @Test func shortIDs_ofTimeOrderedIDsMintedTogether_differ() {
        let ids = (0..<100).map { _ in WireID.timeOrdered() }
        #expect(Set(ids.map(Format.short)).count == ids.count)
    }
}
