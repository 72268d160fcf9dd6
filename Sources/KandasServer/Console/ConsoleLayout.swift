import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol

/// The console's page frame (header, navigation, language switch, sign-out form) and the
/// response headers every console page carries.
enum ConsoleLayout {
    /// No scripts, no external resources: everything comes from this origin (images also as `data:`
    /// for the enrollment QR code); frames only for the inline PDF viewer.
    static let contentSecurityPolicy =
        "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self'; frame-src 'self';"
        + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// An HTML response with the console's security headers.
    static func response(_ html: HTML, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [
                "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": contentSecurityPolicy,
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
                "X-Frame-Options": "DENY",
            ],
            body: .bytes(Array(html.rendered.utf8)))
    }

    /// A whole document: head, header with navigation (when signed in), main content.
    static func page(_ ctx: ConsoleContext, title: String, body: HTML) -> HTML {
        let lang = ctx.lang
        let path = ctx.request.path
        let languages = HTML.join(
            Language.allCases.map { l in
                l == lang
                    ? "<strong>\(l.rawValue)</strong> "
                    : "<a href=\"\(path)?lang=\(l.rawValue)\" hreflang=\"\(l.rawValue)\">\(l.rawValue)</a> "
            })
        var nav = HTML()
        if let p = ctx.principal {
            var links: [(String, String)] = [("/console/dashboard", ctx.t(.dashboard))]
            if Set<UserRole>.readers.contains(p.role) {
                links += [
                    ("/console/completions", ctx.t(.completions)), ("/console/conflicts", ctx.t(.conflicts)),
                    ("/console/devices", ctx.t(.devices)), ("/console/families", ctx.t(.families)),
                    ("/console/reports", ctx.t(.reports)), ("/console/map", ctx.t(.map)),
                    (
                        "/console/card-forwards",
                        CardForwardsPage.l(ctx, "Цифрлық карта", "Цифровая карта", "Digital card")
                    ),
                ]
            }
            if p.role == .labourMobilityOfficer { links.append(("/console/families", ctx.t(.families))) }
            if Set<UserRole>.stayReaders.contains(p.role) {
                links.append(("/console/stay", StayConsole.l(ctx, "Орталық", "Центр", "Centre stay")))
            }
            let items = HTML.join(
                links.map { href, label in
                    let current = path.hasPrefix(href)
                    return current
                        ? "<a href=\"\(href)\" aria-current=\"page\">\(label)</a>"
                        : "<a href=\"\(href)\">\(label)</a>"
                })
            nav = """
                <nav>\(items)</nav>
                <form class="signout" method="post" action="/console/logout">\
                <input type="hidden" name="csrf" value="\(ctx.csrf)">\
                <span class="role">\(p.role.rawValue)</span> <button type="submit">\(ctx.t(.logout))</button></form>
                """
        }
        return """
            <!DOCTYPE html>
            <html lang="\(lang.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) — Kandas</title>
            <link rel="stylesheet" href="/console/static/console.css"></head>
            <body><header><a class="brand" href="/console/dashboard">\(ctx.t(.appName))</a>\(nav)\
            <span class="langs" aria-label="\(ctx.t(.language))">\(languages)</span></header>
            <main><h1>\(title)</h1>
            \(body)
            </main></body></html>
            """
    }

    /// `YYYY-MM-DD HH:MM` in Kazakhstan time (UTC+5), the time every report and page uses.
    static func time(_ ms: Int64?) -> String {
        guard let ms else { return "—" }
        let local = ms + PlanStore.almatyOffset
        let day = Int(local.floorDiv(86_400_000))
        let date = LocalDate(dayNumber: day)
        let minutes = Int((local - Int64(day) * 86_400_000) / 60_000)
        let hh = minutes / 60
        let mm = minutes % 60
        return date.description + " " + (hh < 10 ? "0" : "") + String(hh) + ":" + (mm < 10 ? "0" : "") + String(mm)
    }
}

extension Int64 {
    /// Division rounding towards minus infinity (times before 1970 stay on the right day).
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
