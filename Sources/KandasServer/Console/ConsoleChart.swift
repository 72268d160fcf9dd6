import Foundation
import KandasDomain

/// The console's pictures: inline SVG drawn by the server from aggregated numbers (issue 20).
///
/// Every picture is an ``HTML`` fragment, so its text (titles, labels, names typed on a device)
/// is escaped by construction like the rest of the page, and its numbers go through the same
/// interpolation. No script, no external resource, no `style` attribute (the CSP allows only the
/// console's stylesheet): colours come from classes in `console.css`. Each picture sits in a
/// `<figure>` with a table of the same numbers beside it, for screen readers and copying.
enum ConsoleChart {
    /// One series of a chart: its label, its CSS class (the colour) and one value per category.
    struct Series {
        var label: String
        var cssClass: StaticString
        var values: [Int]
    }

    static let width = 640.0
    static let height = 220.0
    static let left = 48.0
    static let right = 12.0
    static let top = 12.0
    static let bottom = 28.0

    /// A "nice" upper bound for an axis (1, 2 or 5 times a power of ten), at least 1.
    static func niceMax(_ value: Int) -> Int {
        guard value > 1 else { return 1 }
        var power = 1
        while power * 10 <= value { power *= 10 }
        for step in [1, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    /// The figure frame: caption, picture, and the table of the same numbers.
    static func figure(id: String, caption: String, svg: HTML, table: HTML) -> HTML {
        """
        <figure class="chart" id="\(id)"><figcaption>\(caption)</figcaption>\
        <div class="chart-body">\(svg)\(table)</div></figure>
        """
    }

    /// The data table: categories as rows, series as columns.
    static func table(_ corner: String, _ categories: [String], _ series: [Series], lang: Language) -> HTML {
        let head = HTML.join(series.map { s in "<th class=\"num\">\(s.label)</th>" })
        let rows = categories.indices.map { i -> HTML in
            let cells = HTML.join(
                series.map { s in "<td class=\"num\">\(ConsoleNumber.format(s.values[i], lang))</td>" })
            return "<tr><th>\(categories[i])</th>\(cells)</tr>"
        }
        return """
            <table class="chart-data"><thead><tr><th>\(corner)</th>\(head)</tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }

    /// The legend under a chart: one swatch and label per series.
    static func legend(_ series: [Series]) -> HTML {
        var x = left
        var out = HTML()
        for s in series {
            out.append(
                """
                <rect class="\(HTML(s.cssClass))" x="\(x)" y="\(height - 12)" width="10" height="10"/>\
                <text class="legend" x="\(x + 14)" y="\(height - 3)">\(s.label)</text>
                """)
            x += 24 + Double(s.label.count) * 6.5
        }
        return out
    }

    /// Grouped columns: one group per category, one column per series (counts per week).
    static func columns(
        id: String, caption: String, corner: String, categories: [String], series: [Series], lang: Language
    ) -> HTML {
        let maxValue = niceMax(series.flatMap(\.values).max() ?? 0)
        let plot = height - top - bottom - 14
        let slot = (width - left - right) / Double(max(categories.count, 1))
        let barWidth = max(2, (slot - 6) / Double(max(series.count, 1)))
        var bars = HTML()
        for (i, label) in categories.enumerated() {
            for (j, s) in series.enumerated() {
                let value = s.values[i]
                let h = plot * Double(value) / Double(maxValue)
                let x = left + Double(i) * slot + 3 + Double(j) * barWidth
                bars.append(
                    """
                    <rect class="\(HTML(s.cssClass))" x="\(x)" y="\(top + plot - h)" width="\(barWidth - 1)" \
                    height="\(h)" data-value="\(value)"><title>\(label): \(s.label) \(ConsoleNumber.format(value, lang))\
                    </title></rect>
                    """)
            }
            if i % 2 == 0 || categories.count <= 6 {
                bars.append(
                    """
                    <text class="axis" x="\(left + Double(i) * slot + slot / 2)" y="\(top + plot + 12)" \
                    text-anchor="middle">\(label)</text>
                    """)
            }
        }
        let svg: HTML = """
            <svg class="chart-svg" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" \
            aria-label="\(caption)" xmlns="http://www.w3.org/2000/svg">\
            \(yAxisFor(plot: plot, maxValue: maxValue, lang: lang))\(bars)\(legend(series))</svg>
            """
        return figure(id: id, caption: caption, svg: svg, table: table(corner, categories, series, lang: lang))
    }

    /// The y axis for a plot area of height `plot` (charts with a legend row under the axis labels).
    static func yAxisFor(plot: Double, maxValue: Int, lang: Language) -> HTML {
        var out = HTML()
        // The middle line is labelled only when it falls on a whole number.
        for fraction in maxValue % 2 == 0 ? [0.0, 0.5, 1.0] : [0.0, 1.0] {
            let y = top + plot * (1 - fraction)
            let value = Int((Double(maxValue) * fraction).rounded())
            out.append(
                """
                <line class="grid" x1="\(left)" y1="\(y)" x2="\(width - right)" y2="\(y)"/>\
                <text class="axis" x="\(left - 4)" y="\(y + 4)" text-anchor="end">\(ConsoleNumber.format(value, lang))</text>
                """)
        }
        return out
    }

    /// Lines with a marker on every point: one line per series over the categories.
    static func lines(
        id: String, caption: String, corner: String, categories: [String], series: [Series], lang: Language
    ) -> HTML {
        let maxValue = niceMax(series.flatMap(\.values).max() ?? 0)
        let plot = height - top - bottom - 14
        let slot = (width - left - right) / Double(max(categories.count, 1))
        var marks = HTML()
        for s in series {
            var points = ""
            var dots = HTML()
            for (i, value) in s.values.enumerated() {
                let x = left + Double(i) * slot + slot / 2
                let y = top + plot - plot * Double(value) / Double(maxValue)
                points += ConsoleNumber.coordinate(x) + "," + ConsoleNumber.coordinate(y) + " "
                dots.append(
                    """
                    <circle class="\(HTML(s.cssClass))" cx="\(x)" cy="\(y)" r="4" data-value="\(value)">\
                    <title>\(categories[i]): \(s.label) \(ConsoleNumber.format(value, lang))</title></circle>
                    """)
            }
            marks.append("<polyline class=\"\(HTML(s.cssClass)) line\" points=\"\(points)\"/>\(dots)")
        }
        var labels = HTML()
        for (i, label) in categories.enumerated() where i % 2 == 0 || categories.count <= 6 {
            labels.append(
                """
                <text class="axis" x="\(left + Double(i) * slot + slot / 2)" y="\(top + plot + 12)" \
                text-anchor="middle">\(label)</text>
                """)
        }
        let svg: HTML = """
            <svg class="chart-svg" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" \
            aria-label="\(caption)" xmlns="http://www.w3.org/2000/svg">\
            \(yAxisFor(plot: plot, maxValue: maxValue, lang: lang))\(marks)\(labels)\(legend(series))</svg>
            """
        return figure(id: id, caption: caption, svg: svg, table: table(corner, categories, series, lang: lang))
    }

    /// One row of a share chart: a label, how many are done out of how many.
    struct Share {
        var label: String
        var done: Int
        var total: Int
    }

    /// Horizontal bars of shares (0-100 %), one row each, the share written at the end of the bar.
    static func shares(
        id: String, caption: String, corner: String, doneLabel: String, totalLabel: String, rows: [Share],
        lang: Language
    ) -> HTML {
        let rowHeight = 18.0
        let labelWidth = 250.0
        let barMax = width - labelWidth - 60
        let h = Double(rows.count) * rowHeight + 8
        var bars = HTML()
        for (i, r) in rows.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let share = r.total == 0 ? 0 : Double(r.done) / Double(r.total)
            let label = r.label.count > 40 ? String(r.label.prefix(39)) + "…" : r.label
            bars.append(
                """
                <text class="axis" x="\(labelWidth - 6)" y="\(y + 12)" text-anchor="end">\(label)</text>\
                <rect class="c-track" x="\(labelWidth)" y="\(y + 2)" width="\(barMax)" height="\(rowHeight - 5)"/>\
                <rect class="c-done" x="\(labelWidth)" y="\(y + 2)" width="\(barMax * share)" height="\(rowHeight - 5)" \
                data-value="\(r.done)"><title>\(r.label): \(ConsoleNumber.format(r.done, lang)) / \
                \(ConsoleNumber.format(r.total, lang))</title></rect>\
                <text class="axis" x="\(labelWidth + barMax + 4)" y="\(y + 12)">\(ConsoleNumber.percent(r.done, r.total, lang))</text>
                """)
        }
        let svg: HTML = """
            <svg class="chart-svg" viewBox="0 0 \(width) \(h)" width="\(width)" height="\(h)" role="img" \
            aria-label="\(caption)" xmlns="http://www.w3.org/2000/svg">\(bars)</svg>
            """
        let tableRows = rows.map { r -> HTML in
            """
            <tr><th>\(r.label)</th><td class="num">\(ConsoleNumber.format(r.done, lang))</td>\
            <td class="num">\(ConsoleNumber.format(r.total, lang))</td>\
            <td class="num">\(ConsoleNumber.percent(r.done, r.total, lang))</td></tr>
            """
        }
        let table: HTML = """
            <table class="chart-data"><thead><tr><th>\(corner)</th><th class="num">\(doneLabel)</th>\
            <th class="num">\(totalLabel)</th><th class="num">%</th></tr></thead><tbody>\(tableRows)</tbody></table>
            """
        return figure(id: id, caption: caption, svg: svg, table: table)
    }
}

extension ConsoleChart {
    /// Horizontal bars of counts scaled to the largest, one row each, the count at the end of the bar.
    static func counts(
        id: String, caption: String, corner: String, valueLabel: String, rows: [(label: String, value: Int)],
        lang: Language
    ) -> HTML {
        let rowHeight = 18.0
        let labelWidth = 250.0
        let barMax = width - labelWidth - 60
        let h = Double(rows.count) * rowHeight + 8
        let top = Double(niceMax(rows.map(\.value).max() ?? 0))
        var bars = HTML()
        for (i, r) in rows.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let label = r.label.count > 40 ? String(r.label.prefix(39)) + "…" : r.label
            bars.append(
                """
                <text class="axis" x="\(labelWidth - 6)" y="\(y + 12)" text-anchor="end">\(label)</text>\
                <rect class="c-received" x="\(labelWidth)" y="\(y + 2)" width="\(barMax * Double(r.value) / top)" \
                height="\(rowHeight - 5)" data-value="\(r.value)"><title>\(r.label): \(ConsoleNumber.format(r.value, lang))\
                </title></rect>\
                <text class="axis" x="\(labelWidth + barMax * Double(r.value) / top + 4)" y="\(y + 12)">\
                \(ConsoleNumber.format(r.value, lang))</text>
                """)
        }
        let svg: HTML = """
            <svg class="chart-svg" viewBox="0 0 \(width) \(h)" width="\(width)" height="\(h)" role="img" \
            aria-label="\(caption)" xmlns="http://www.w3.org/2000/svg">\(bars)</svg>
            """
        let tableRows = rows.map { r -> HTML in
            "<tr><th>\(r.label)</th><td class=\"num\">\(ConsoleNumber.format(r.value, lang))</td></tr>"
        }
        let table: HTML = """
            <table class="chart-data"><thead><tr><th>\(corner)</th><th class="num">\(valueLabel)</th></tr></thead>\
            <tbody>\(tableRows)</tbody></table>
            """
        return figure(id: id, caption: caption, svg: svg, table: table)
    }
}

/// Numbers as the chosen language writes them: groups of thousands separated by a no-break space
/// and a decimal comma in Kazakh and Russian, by a comma with a decimal point in English.
enum ConsoleNumber {
    static func format(_ n: Int, _ lang: Language) -> String {
        let digits = String(n.magnitude)
        let separator: Character = lang == .en ? "," : "\u{00A0}"
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(separator) }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A share as a whole percentage with one decimal (`45,5 %` in kk/ru, `45.5%` in en); "—" of nothing.
    static func percent(_ part: Int, _ whole: Int, _ lang: Language) -> String {
        guard whole > 0 else { return "—" }
        let tenths = Int((Double(part) * 1000 / Double(whole)).rounded())
        let text = String(tenths / 10) + (lang == .en ? "." : ",") + String(tenths % 10)
        return lang == .en ? text + "%" : text + "\u{00A0}%"
    }

    /// An SVG coordinate: one decimal, a point whatever the language (SVG syntax, not prose).
    static func coordinate(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = Int((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return sign + String(m / 10) + (m % 10 == 0 ? "" : "." + String(m % 10))
    }
}
