import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol

/// The map of completions (issue 20, item 4): an equirectangular picture of Kazakhstan's extent
/// drawn by the server, no tiles. Points are the newest completions in scope (colour = review
/// state; a click opens the completion), squares the families' settlements, and a dashed line
/// joins a point to its settlement when the two are further apart than the detail page's flag
/// threshold. Region boundaries are not drawn: no public-domain boundary set is packaged.
enum MapPage {
    /// Kazakhstan's extent (degrees) with a margin: longitude 46-88 E, latitude 40-56 N.
    static let west = 46.0
    static let east = 88.0
    static let south = 40.0
    static let north = 56.0
    static let width = 820.0
    /// East-west degrees are shorter at these latitudes: scaled by cos(48 deg) (equirectangular, standard parallel 48 N).
    static let xScale = cos(48.0 * Double.pi / 180)
    static var height: Double { (width * (north - south) / ((east - west) * xScale)).rounded() }

    /// The picture position of a coordinate, or nil outside the extent.
    static func project(_ lat: Double, _ lon: Double) -> (x: Double, y: Double)? {
        guard lat >= south, lat <= north, lon >= west, lon <= east else { return nil }
        return ((lon - west) / (east - west) * width, (north - lat) / (north - south) * height)
    }

    /// Cities drawn for orientation (the capital, the three cities of republican significance and
    /// the regional centres; coordinates are public facts, rounded to a tenth of a degree).
    static let cities: [(name: String, latitude: Double, longitude: Double)] = [
        ("Astana", 51.2, 71.4), ("Almaty", 43.2, 76.9), ("Shymkent", 42.3, 69.6), ("Aktobe", 50.3, 57.2),
        ("Karaganda", 49.8, 73.1), ("Taraz", 42.9, 71.4), ("Pavlodar", 52.3, 76.9), ("Oskemen", 49.9, 82.6),
        ("Semey", 50.4, 80.2), ("Atyrau", 47.1, 51.9), ("Kostanay", 53.2, 63.6), ("Kyzylorda", 44.8, 65.5),
        ("Oral", 51.2, 51.4), ("Aktau", 43.6, 51.2), ("Petropavl", 54.9, 69.1), ("Kokshetau", 53.3, 69.4),
        ("Turkistan", 43.3, 68.3), ("Taldykorgan", 45.0, 78.4), ("Zhezkazgan", 47.8, 67.7), ("Konaev", 43.9, 77.1),
    ]

    static let stateClass: [String: StaticString] = [
        "pending": "m-pending", "approved": "m-approved", "has_issues": "m-has_issues", "rejected": "m-rejected",
    ]

    static func filter(_ ctx: ConsoleContext) -> ChartStore.Filter {
        ChartStore.Filter(
            regionID: ctx.query("region_id").flatMap { WireID($0) }.map(\.description),
            centreID: ctx.query("career_centre_id").flatMap { WireID($0) }.map(\.description))
    }

    /// The region and centre form shared by the dashboard's charts and the map.
    static func filterForm(_ ctx: ConsoleContext, action: String, _ f: ChartStore.Filter, _ o: FilterOptions) -> HTML {
        let any = ctx.t(.any)
        return """
            <form class="filters" method="get" action="\(action)" id="chart-filters">
            <label>\(ctx.t(.region)) \(FilterOptions.select("region_id", f.regionID, any, o.regions.map { ($0.0, $0.1(ctx.lang)) }))</label>
            <label>\(ctx.t(.centre)) \(FilterOptions.select("career_centre_id", f.centreID, any, o.centres))</label>
            <button type="submit">\(ctx.t(.filter))</button></form>
            """
    }

    static func show(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let f = filter(ctx)
        let (data, options) = try ctx.read { db in
            (try ChartStore.map(db, for: ctx.actor, filter: f), try FilterOptions.load(db, for: ctx.actor))
        }
        let body: HTML = """
            \(filterForm(ctx, action: "/console/map", f, options))
            \(picture(ctx, data))
            """
        return ctx.page(ctx.t(.map), body)
    }

    /// The map figure and its table (totals by review state, points drawn, far points).
    static func picture(_ ctx: ConsoleContext, _ data: ChartStore.MapData) -> HTML {
        let lang = ctx.lang
        var layers = HTML()
        // Graticule every 5 degrees, labelled on the edges.
        for lon in stride(from: 50.0, to: east, by: 5) {
            let x = (lon - west) / (east - west) * width
            layers.append(
                """
                <line class="grid" x1="\(x)" y1="0" x2="\(x)" y2="\(height)"/>\
                <text class="axis" x="\(x + 2)" y="\(height - 4)">\(Int(lon))°E</text>
                """)
        }
        for lat in stride(from: 45.0, to: north, by: 5) {
            let y = (north - lat) / (north - south) * height
            layers.append(
                """
                <line class="grid" x1="0" y1="\(y)" x2="\(width)" y2="\(y)"/>\
                <text class="axis" x="2" y="\(y - 3)">\(Int(lat))°N</text>
                """)
        }
        for city in cities {
            guard let (x, y) = project(city.latitude, city.longitude) else { continue }
            layers.append(
                """
                <circle class="m-city" cx="\(x)" cy="\(y)" r="2"/><text class="m-city-name" x="\(x + 4)" \
                y="\(y - 3)">\(city.name)</text>
                """)
        }
        // Settlements: one square per distinct pixel (the busiest first, so its count is the one shown).
        var seen = Set<Int>()
        var settlements = HTML()
        for s in data.settlements {
            guard let (x, y) = project(s.latitude, s.longitude) else { continue }
            guard seen.insert(Int(x.rounded()) * 10_000 + Int(y.rounded())).inserted else { continue }
            settlements.append(
                """
                <rect class="m-settlement" x="\(x - 3)" y="\(y - 3)" width="6" height="6">\
                <title>\(s.name): \(ConsoleNumber.format(s.completions, lang))</title></rect>
                """)
        }
        // Points, newest first; one per pixel and state (the newest), far ones joined to their settlement.
        var far: [(ChartStore.MapPoint, Double)] = []
        var points = HTML()
        var lines = HTML()
        var drawn = Set<Int>()
        var outside = 0
        for p in data.points {
            guard let (x, y) = project(p.latitude, p.longitude) else {
                outside += 1
                continue
            }
            if let s = p.settlement {
                let km = CompletionStore.distanceKm(s.latitude, s.longitude, p.latitude, p.longitude)
                if km > CompletionDetailPage.outlierKm {
                    far.append((p, km))
                    if let (sx, sy) = project(s.latitude, s.longitude), far.count <= 300 {
                        lines.append("<line class=\"m-far\" x1=\"\(sx)\" y1=\"\(sy)\" x2=\"\(x)\" y2=\"\(y)\"/>")
                    }
                }
            }
            let state = stateClass[p.reviewState] ?? "m-pending"
            let key =
                (Int(x.rounded()) * 10_000 + Int(y.rounded())) * 8
                + (ChartStore.reviewStates.firstIndex(of: p.reviewState) ?? 0)
            guard drawn.insert(key).inserted else { continue }
            points.append(
                """
                <a href="/console/completions/\(p.completionID)"><circle class="\(HTML(state))" cx="\(x)" cy="\(y)" \
                r="4"/></a>
                """)
        }
        let caption = ctx.t(.map)
        let svg: HTML = """
            <svg class="map-svg" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" \
            aria-label="\(caption)" xmlns="http://www.w3.org/2000/svg"><rect class="m-land" x="0" y="0" \
            width="\(width)" height="\(height)"/>\(layers)\(lines)\(settlements)\(points)</svg>
            """
        let totals = ChartStore.reviewStates.map { state -> HTML in
            """
            <tr><th><svg width="10" height="10" aria-hidden="true"><circle class="\(HTML(stateClass[state] ?? "m-pending"))" \
            cx="5" cy="5" r="4"/></svg> \(state)</th><td class="num">\(ConsoleNumber.format(data.totals[state] ?? 0, lang))</td></tr>
            """
        }
        let farRows = far.prefix(20).map { p, km -> HTML in
            """
            <tr><td><a href="/console/completions/\(p.completionID)">\(String(p.completionID.prefix(8)))</a></td>\
            <td class="num">\(String(format: "%.1f", km)) km</td></tr>
            """
        }
        let table: HTML = """
            <div class="chart-data"><table id="map-totals"><thead><tr><th>\(ctx.t(.reviewState))</th>\
            <th class="num">\(ctx.t(.completions))</th></tr></thead><tbody>\(totals)</tbody></table>
            <p class="muted">\(ctx.t(.mapDrawn)): \(ConsoleNumber.format(data.points.count - outside, lang)); \
            \(ctx.t(.mapNotDrawn)): \(ConsoleNumber.format(data.undrawn + outside, lang))</p>
            <table id="map-far"><thead><tr><th>\(ctx.t(.farFromSettlement))</th><th class="num">\(ctx.t(.distance))\
            </th></tr></thead><tbody>\(farRows)</tbody></table></div>
            """
        return ConsoleChart.figure(id: "map", caption: caption, svg: svg, table: table)
    }
}
