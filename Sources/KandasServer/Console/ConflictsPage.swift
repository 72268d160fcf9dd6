import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// Conflicts in scope: the list (open first), one conflict's versions side by side with who sent
/// them and when, and the resolve form, recorded through the same resolver as the admin API.
enum ConflictsPage {
    static func list(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let status = ctx.query("status") ?? "open"
        guard ["open", "resolved", "all"].contains(status) else {
            throw CompletionFilter.bad("status", "open|resolved|all")
        }
        let rows = try ctx.read { db in
            try ConflictStore.consoleLines(db, status: status == "all" ? nil : status, for: ctx.actor.scope)
        }
        let body = rows.map { r -> HTML in
            """
            <tr><td>\(ConsoleLayout.time(r.detectedAt))</td><td>\(r.kind)</td>\
            <td>\(r.severity)</td><td>\(r.status)</td><td>\(r.settlement)</td>\
            <td><a href="/console/conflicts/\(r.id)">\(ctx.t(.open))</a></td></tr>
            """
        }
        let tabs = ["open", "resolved", "all"].map { t -> HTML in
            t == status ? "<strong>\(t)</strong> " : "<a href=\"/console/conflicts?status=\(t)\">\(t)</a> "
        }
        let page: HTML = """
            <p>\(tabs)</p>
            <table id="conflicts"><thead><tr><th>\(ctx.t(.receivedAt))</th><th>\(ctx.t(.kind))</th>\
            <th>\(ctx.t(.severity))</th><th>\(ctx.t(.status))</th><th>\(ctx.t(.family))</th><th></th></tr></thead>\
            <tbody>\(body)</tbody></table>
            """
        return ctx.page(ctx.t(.conflicts), page)
    }

    static func show(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let (k, users) = try ctx.read { db -> (Conflict, [String: String]) in
            let k = try ConflictHandlers.find(db, id, ctx.actor)
            var users: [String: String] = [:]
            for v in k.versions {
                users[v.userID.description] = try ConsoleStore.username(db, userID: v.userID.description)
            }
            return (k, users)
        }
        let fields = Array(Set(k.versions.flatMap { $0.values.keys })).sorted()
        let open = k.status == .open && ctx.actor.isWriter
        let columns = k.versions.map { v -> HTML in
            let displayed = v.eventID == k.displayedEventID
            let values = fields.map { f -> HTML in "<dt>\(f)</dt><dd>\(v.values[f].map(render) ?? "—")</dd>" }
            var choose: HTML = ""
            if open && [.amendSameField, .duplicateCompletion].contains(k.kind) {
                choose = resolveForm(ctx, k, .chooseEvent, eventID: v.eventID.description, label: ctx.t(.chooseEvent))
            }
            return """
                <div class="panel\(displayed ? " displayed" : "")"><h3>\(displayed ? "▶ " : "")\(users[v.userID.description])</h3>
                <dl><dt>\(ctx.t(.receivedAt))</dt><dd>\(ConsoleLayout.time(v.receivedAt.millisecondsSince1970))</dd>
                <dt>recorded</dt><dd>\(ConsoleLayout.time(v.recordedAt.millisecondsSince1970))</dd>
                <dt>device</dt><dd><code>\(v.deviceID.description)</code></dd>
                <dt>\(ctx.t(.completions))</dt><dd>\(v.completionID.map { "<a href=\"/console/completions/\($0.description)\">\($0.description.prefix(8).description)</a>" as HTML } ?? "—")</dd>
                \(values)</dl>\(choose)</div>
                """
        }
        let changes = (k.itemChanges ?? []).map { c -> HTML in
            "<tr><td>\(c.field)</td><td>\(c.baseValue.map(render) ?? "—")</td><td>\(c.currentValue.map(render) ?? "—")</td></tr>"
        }
        var actions: HTML = ""
        if open {
            var forms = [resolveForm(ctx, k, .keepDisplayed, eventID: nil, label: ctx.t(.keepDisplayed))]
            if k.kind != .amendSameField && k.kind != .amendMerged {
                forms.append(resolveForm(ctx, k, .voidCompletion, eventID: nil, label: ctx.t(.voidCompletion)))
            }
            actions = "<h2>\(ctx.t(.resolve))</h2><div class=\"grid2\">\(forms)</div>"
        }
        let resolved: HTML =
            k.status == .resolved
            ? "<p class=\"notice\">\(k.resolution?.rawValue) · \(ConsoleLayout.time(k.resolvedAt?.millisecondsSince1970)) · \(k.resolutionComment)</p>"
            : ""
        let body: HTML = """
            <p>\(k.kind.rawValue) · \(k.severity.rawValue) · \(k.status.rawValue) · \
            \(ConsoleLayout.time(k.detectedAt.millisecondsSince1970))</p>
            \(resolved)
            <h2>\(ctx.t(.versions))</h2><div class="grid2" id="versions">\(columns)</div>
            \(changes.isEmpty ? "" : "<h2>\(ctx.t(.plan))</h2><table><tbody>\(changes)</tbody></table>" as HTML)
            \(actions)
            """
        return ctx.page(ctx.t(.conflict), body)
    }

    static func render(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s): return s
        default:
            let data = (try? JSONCoding.encode(v)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func resolveForm(
        _ ctx: ConsoleContext, _ k: Conflict, _ resolution: Resolution, eventID: String?, label: String
    ) -> HTML {
        let chosen: HTML = eventID.map { "<input type=\"hidden\" name=\"chosen_event_id\" value=\"\($0)\">" } ?? ""
        return """
            <form method="post" action="/console/conflicts/\(k.id.description)/resolve">\
            <input type="hidden" name="csrf" value="\(ctx.csrf)">\
            <input type="hidden" name="resolution" value="\(resolution.rawValue)">\(chosen)\
            <textarea name="comment" required maxlength="2000" rows="2" placeholder="\(ctx.t(.comment))"></textarea>\
            <button type="submit">\(label)</button></form>
            """
    }

    /// Resolves through ``ConflictResolver`` exactly like `POST /v1/admin/conflicts/{id}/resolve`.
    static func resolve(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        guard let resolution = Resolution(rawValue: ctx.form["resolution"] ?? "") else {
            throw ServerError(.invalidField, "unknown resolution")
        }
        var chosen: WireID?
        if let text = ctx.form["chosen_event_id"], !text.isEmpty {
            guard let w = WireID(text) else { throw ServerError(.invalidField, "chosen_event_id must be a UUID") }
            chosen = w
        }
        let comment = (ctx.form["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(comment.count) else {
            throw ServerError(.invalidField, "a comment of 1-2000 characters is required")
        }
        try ctx.write { db in
            _ = try ConflictHandlers.find(db, id, ctx.actor)
            do {
                _ = try ConflictResolver.resolve(
                    db, conflictID: id, resolution: resolution, chosenEventID: chosen, comment: comment,
                    by: ActorRef(actorType: .user, id: WireID(ctx.actor.userID) ?? .random()), now: ctx.now)
            } catch let rejection as EventValidation.Rejection {
                if rejection.code == .conflictAlreadyResolved {
                    throw ServerError(.conflict, "the conflict was resolved earlier")
                }
                throw ServerError(.invalidField, rejection.detail)
            }
            try AuditLog.append(
                db, at: ctx.now, actor: ctx.principal, action: "conflict.resolve", entityType: "conflict",
                entityID: id, remoteAddr: ctx.remoteAddress, requestID: ctx.request.requestID,
                summary: "resolution=\(resolution.rawValue)")
        }
        return ctx.redirect("/console/conflicts/\(id)")
    }
}
