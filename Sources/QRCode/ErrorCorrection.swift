/// The error-correction level of a QR code: how much of the symbol may be damaged and still decode.
///
/// ISO/IEC 18004:2015 §5.3.8 and Table 12: roughly 7 % (L), 15 % (M), 25 % (Q) and 30 % (H) of the
/// codewords can be restored. Higher levels cost capacity, so the same payload may need a larger version.
public enum ErrorCorrection: Sendable, Hashable, CaseIterable {
    /// About 7 % of codewords recoverable.
    case low
    /// About 15 % of codewords recoverable; the usual default.
    case medium
    /// About 25 % of codewords recoverable.
    case quartile
    /// About 30 % of codewords recoverable.
    case high

    /// The two bits this level contributes to the format information (§7.9.1, Table 12): L=01, M=00, Q=11, H=10.
    var formatBits: Int {
        switch self {
        case .low: 1
        case .medium: 0
        case .quartile: 3
        case .high: 2
        }
    }

    /// The row of this level in the block tables of ``QRTables``.
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}
