/// SVG rendering.
extension QRCode {
    /// A standalone SVG document of the symbol, black on white, with a 4-module quiet zone.
    ///
    /// The dark modules form a single `<path>` with one rectangle per horizontal run, in module
    /// units (`viewBox`), so the document stays small and scales without blur. `moduleSize` only sets
    /// the default `width` and `height` in pixels; it is clamped to ``moduleSizes``.
    public func svg(moduleSize: Int = 8) -> String {
        let side = sizeWithQuietZone
        let pixels = side * Self.clampedModuleSize(moduleSize)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else {
                    x += 1
                    continue
                }
                let start = x
                while x < size && self[x, y] {
                    x += 1
                }
                let run = x - start
                path += "M\(start + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>

            """
    }
}
