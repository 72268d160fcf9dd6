import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore
import KandasUploads

/// One completion: evidence inline (photos, video with seeking, PDF), geolocation with the
/// distance from the family's settlement, hashes and capture metadata, the event, review and
/// audit history, and the review form (writers only).
enum CompletionDetailPage {
    /// Farther than this from the registered settlement is flagged (Protocol §9.1 `far_from_settlement`).
    static let outlierKm = 20.0

    struct Extra {
        var memberName = ""
        var iin = ""
        var worker = ""
        var settlement = ""
        var settlementLat: Double?
        var settlementLon: Double?
        var events: [ConsoleStore.EventLine] = []
        var reviews: [Review] = []
        var audit: [ConsoleStore.AuditLine] = []
    }

    static func show(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let (c, x) = try ctx.read { db -> (Completion, Extra) in
            let c = try CompletionStore.load(db, id: id, for: ctx.actor)
            var x = Extra()
            let context = try ConsoleStore.completionContext(db, c)
            x.memberName = context.memberName
            x.iin = context.memberIIN
            x.worker = context.worker
            x.settlement = context.settlement
            x.settlementLat = context.settlementLatitude
            x.settlementLon = context.settlementLongitude
            x.events = context.events
            x.reviews = context.reviews
            x.audit = context.audit
            return (c, x)
        }
        let service = (try? ServiceCatalog.service(code: c.serviceCode))?.name(in: ctx.lang) ?? "?"
        let flags = c.evidenceFlags.map { "<span class=\"flag\">\($0)</span>" as HTML }
        let missing: HTML =
            c.evidenceMissing.isEmpty
            ? ""
            : " <span class=\"flag incomplete\">\(ctx.t(.missingEvidence)): \(c.evidenceMissing.joined(separator: ", "))</span>"
        let notice: HTML =
            ctx.query("reviewed") != nil ? "<p class=\"notice\" id=\"reviewed\">\(ctx.t(.decisionRecorded))</p>" : ""
        let summary: HTML = """
            \(notice)
            <div class="panel"><dl>
            <dt>\(ctx.t(.service))</dt><dd>\(c.serviceCode). \(service)</dd>
            <dt>\(ctx.t(.members))</dt><dd id="member">\(x.memberName) · <code>\(x.iin)</code></dd>
            <dt>\(ctx.t(.family))</dt><dd><a href="/console/families/\(c.familyID.description)">\(x.settlement)</a></dd>
            <dt>\(ctx.t(.worker))</dt><dd>\(x.worker)</dd>
            <dt>\(ctx.t(.performedAt))</dt><dd>\(ConsoleLayout.time(c.performedAt.millisecondsSince1970))</dd>
            <dt>\(ctx.t(.receivedAt))</dt><dd>\(ConsoleLayout.time(c.receivedAt.millisecondsSince1970)) \
            (skew \(c.clockSkewMilliseconds / 1000) s)</dd>
            <dt>\(ctx.t(.state))</dt><dd>\(c.state.rawValue) · rev \(c.rev)\(c.primary ? "" : " · not primary")</dd>
            <dt>\(ctx.t(.reviewState))</dt><dd class="state-\(c.reviewState.rawValue)" id="review-state">\
            \(c.reviewState.rawValue)</dd>
            <dt>\(ctx.t(.completeness))</dt><dd>\(c.completeness.rawValue) (\(c.filesVerified)/\(c.filesDeclared))\(missing) \(flags)</dd>
            <dt>\(ctx.t(.comment))</dt><dd id="note">\(c.note ?? "—")</dd>
            </dl></div>
            """
        let body: HTML = """
            \(summary)
            <div class="grid2">
            <div class="panel"><h2>\(ctx.t(.location))</h2>\(location(ctx, c.location, x))</div>
            <div class="panel"><h2>\(ctx.t(.review))</h2>\(reviewPanel(ctx, c, x.reviews))</div>
            </div>
            <h2>\(ctx.t(.files))</h2>
            <div class="grid2 media">\(c.files.map { file(ctx, $0) })</div>
            <h2>\(ctx.t(.history))</h2>
            \(history(ctx, x))
            """
        return ctx.page(ctx.t(.completions) + " · " + service, body)
    }

    static func location(_ ctx: ConsoleContext, _ g: Geolocation?, _ x: Extra) -> HTML {
        guard let g else { return "<p class=\"flag\">missing_location</p>" }
        var distance: HTML = "—"
        if let lat = x.settlementLat, let lon = x.settlementLon {
            let km = CompletionStore.distanceKm(g.latitude, g.longitude, lat, lon)
            let text = String(format: "%.1f km", km)
            distance =
                km > outlierKm
                ? "<strong class=\"flag\" id=\"outlier\">\(text) — \(ctx.t(.farFromSettlement))</strong>"
                : "<span id=\"distance\">\(text)</span>"
        }
        let lat = String(format: "%.6f", g.latitude)
        let lon = String(format: "%.6f", g.longitude)
        // A plain link: the page itself loads nothing from outside.
        let map = "https://www.openstreetmap.org/?mlat=\(lat)&mlon=\(lon)#map=16/\(lat)/\(lon)"
        let mock: HTML = g.mock ? "<span class=\"flag\">mock</span>" : ""
        return """
            <dl><dt>lat, lon</dt><dd><code>\(lat), \(lon)</code> \(mock)</dd>
            <dt>\(ctx.t(.accuracy))</dt><dd>\(String(format: "%.0f m", g.accuracyMeters)) · \(g.provider.rawValue)</dd>
            <dt>fix</dt><dd>\(ConsoleLayout.time(g.fixTime.millisecondsSince1970))</dd>
            <dt>\(ctx.t(.distance))</dt><dd>\(distance)</dd></dl>
            <p><a href="\(map)" rel="noopener noreferrer" target="_blank" id="map-link">\(ctx.t(.mapLink))</a></p>
            """
    }

    static func file(_ ctx: ConsoleContext, _ f: EvidenceFile) -> HTML {
        let src = "/console/attachments/\(f.attachmentID.description)/content"
        var view: HTML = "<p class=\"flag\">\(f.uploadState.rawValue) \(f.receivedBytes)/\(f.size) B</p>"
        if f.uploadState == .verified {
            switch f.kind {
            case .photo:
                view = "<a href=\"\(src)\"><img src=\"\(src)\" alt=\"\(f.fileName ?? "photo")\" loading=\"lazy\"></a>"
            case .video:
                view =
                    "<video controls preload=\"metadata\" src=\"\(src)\" id=\"video-\(f.attachmentID.description)\"></video>"
            case .document:
                view =
                    f.contentType == "application/pdf"
                    ? "<iframe src=\"\(src)\" title=\"\(f.fileName ?? "document")\"></iframe>"
                    : "<a href=\"\(src)\">\(f.fileName ?? "document")</a>"
            }
        }
        let fileLocation =
            f.location.map { String(format: "%.6f, %.6f ±%.0f m", $0.latitude, $0.longitude, $0.accuracyMeters) } ?? "—"
        return """
            <div class="panel"><h3>\(f.kind.rawValue) · \(f.fileName ?? f.attachmentID.description)</h3>\(view)
            <dl><dt>SHA-256</dt><dd class="hash">\(f.sha256)</dd>
            <dt>\(ctx.t(.capture))</dt><dd>\(ConsoleLayout.time(f.capturedAt.millisecondsSince1970)) · \
            \(f.source.rawValue) · \(f.contentType) · \(f.size) B</dd>
            <dt>\(ctx.t(.location))</dt><dd>\(fileLocation)</dd>
            <dt>\(ctx.t(.status))</dt><dd>\(f.uploadState.rawValue) \(ConsoleLayout.time(f.verifiedAt?.millisecondsSince1970))</dd>
            </dl></div>
            """
    }

    static func reviewPanel(_ ctx: ConsoleContext, _ c: Completion, _ reviews: [Review]) -> HTML {
        let list = reviews.map { r -> HTML in
            "<li><strong>\(r.decision.rawValue)</strong> · \(r.reviewerName) · \(ConsoleLayout.time(r.createdAt.millisecondsSince1970))<br>\(r.comment ?? "")</li>"
        }
        var form: HTML = ""
        if ctx.actor.isWriter {
            form = """
                <form method="post" action="/console/completions/\(c.id.description)/review" id="review-form">
                <input type="hidden" name="csrf" value="\(ctx.csrf)">
                <label><input type="radio" name="decision" value="approve" checked> \(ctx.t(.approve))</label>
                <label><input type="radio" name="decision" value="has_issues"> \(ctx.t(.hasIssues))</label>
                <label><input type="radio" name="decision" value="reject"> \(ctx.t(.reject))</label>
                <label><input type="radio" name="decision" value="comment"> \(ctx.t(.comment))</label>
                <p><textarea name="comment" rows="3" cols="40" maxlength="2000" placeholder="\(ctx.t(.comment))"></textarea></p>
                <button type="submit">\(ctx.t(.submit))</button></form>
                """
        }
        return "<ul id=\"reviews\">\(list)</ul>\(form)"
    }

    static func history(_ ctx: ConsoleContext, _ x: Extra) -> HTML {
        let events = x.events.map { e -> HTML in
            return """
                <tr><td class="num">\(e.seq)</td><td>\(e.type)</td><td>\(ConsoleLayout.time(e.receivedAt))</td>\
                <td>\(ConsoleLayout.time(e.recordedAt))</td><td>\(e.outcome) \(e.code)</td>\
                <td><code>\(e.deviceID)</code></td></tr>
                """
        }
        let audit = x.audit.map { a -> HTML in
            """
            <tr><td class="num">\(a.seq)</td><td>\(a.action)</td>\
            <td>\(ConsoleLayout.time(a.at))</td><td>\(a.actorRole)</td>\
            <td>\(a.summary)</td><td></td></tr>
            """
        }
        return """
            <table id="history"><thead><tr><th>#</th><th>\(ctx.t(.kind))</th><th>\(ctx.t(.receivedAt))</th>\
            <th>recorded / \(ctx.t(.user))</th><th>\(ctx.t(.status))</th><th>device</th></tr></thead>\
            <tbody>\(events)\(audit)</tbody></table>
            """
    }

    /// Records a review decision through the same store path as `POST /v1/admin/completions/{id}/reviews`
    /// (ReviewStore: the completion's review_state, the change feed devices pull, and the audit entry).
    static func review(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        guard let decision = ReviewDecision(rawValue: ctx.form["decision"] ?? "") else {
            throw ServerError(.invalidField, "decision must be approve, has_issues, reject or comment")
        }
        let text = (ctx.form["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let comment: String? = text.isEmpty ? nil : text
        if decision != .approve || comment != nil {
            guard let comment, (1...2000).contains(comment.count) else {
                throw ServerError(.invalidField, "a comment of 1-2000 characters is required unless approving")
            }
        }
        try ctx.write { db in
            let completion = try CompletionStore.load(db, id: id, for: ctx.actor)
            _ = try ReviewStore.add(
                db, completionID: id, familyID: completion.familyID.description, decision: decision, comment: comment,
                reviewerID: ctx.actor.userID, now: ctx.now)
            try AuditLog.append(
                db, at: ctx.now, actor: ctx.principal, action: "completion.review", entityType: "completion",
                entityID: id, remoteAddr: ctx.remoteAddress, requestID: ctx.request.requestID,
                summary: "decision=\(decision.rawValue)")
        }
        return ctx.redirect("/console/completions/\(id)?reviewed=1")
    }

    /// The verified bytes of an attachment in scope (``AttachmentContent``, shared with the admin API).
    static func content(_ ctx: ConsoleContext) throws -> HTTPResponse {
        try AttachmentContent.response(
            id: try ctx.id(), actor: ctx.actor, blobs: try ctx.app.blobStore(), request: ctx.request, read: ctx.read)
    }
}
