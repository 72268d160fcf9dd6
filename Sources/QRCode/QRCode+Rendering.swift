/// Rendering parameters shared by the SVG and PNG writers.
extension QRCode {
    /// Light modules around the symbol on every side (ISO/IEC 18004:2015 §6.3.8).
    public static let quietZone = 4

    /// The accepted module sizes in pixels; values outside are clamped.
    ///
    /// The upper bound keeps a version 40 PNG under 6,000 pixels a side (about 4.4 MB of 1-bit rows).
    public static let moduleSizes = 1...32

    /// Modules per side including the quiet zone on both sides.
    var sizeWithQuietZone: Int { size + 2 * Self.quietZone }

    /// `moduleSize` clamped to ``moduleSizes``.
    static func clampedModuleSize(_ moduleSize: Int) -> Int {
        min(max(moduleSize, moduleSizes.lowerBound), moduleSizes.upperBound)
    }
}
