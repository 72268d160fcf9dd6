import Crypto
import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Consent to personal-data processing per adult member with the signed form, and the Annex 2
/// categories (Rules 2, paras 6, 12, Annex 2; sync-v1 §4.6.3). Publication of a plan needs every
/// adult's current consent (``PlanStore/transition(_:_:to:at:now:)``).
enum ConsentHandlers {
    /// The largest signed form (a scanned page or two).
    static let maxFormBytes = 2 << 20
    /// The body limit of `POST /v1/admin/members/{id}/consents`: the form in base64 plus the fields.
    static let bodyLimit = 3 << 20
    static let formTypes: [String: [UInt8]] = [
        "application/pdf": Array("%PDF-".utf8), "image/jpeg": [0xFF, 0xD8, 0xFF],
        "image/png": [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
    ]

    /// `GET /v1/admin/families/{id}/consents`.
    static func show(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        _ = try ctx.filters([])
        return try ctx.json(try ctx.read { db in try status(db, familyID: id, for: ctx.actor, now: ctx.now) })
    }

    /// `POST /v1/admin/members/{id}/consents`.
    static func record(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try ConsentStore.member(db, id: id, for: ctx.actor)
            let body = try ctx.body(ConsentRequest.self)
            guard let bytes = Data(base64Encoded: body.form.data).map({ [UInt8]($0) }) else {
                throw ServerError.field(.invalidField, "/form/data", "standard base64")
            }
            let c = try add(
                db, memberID: id, givenOn: body.givenOn, contentType: body.form.contentType,
                fileName: body.form.fileName, bytes: bytes, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "consent.record", entityType: "member", entityID: id, summary: "consent=\(c.id)")
            return try APIReply.json(c, status: 201)
        }
    }

    /// `POST /v1/admin/consents/{id}/withdraw`.
    static func withdraw(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try ConsentStore.consent(db, id: id, for: ctx.actor)
            let body = try ctx.body(ConsentWithdrawRequest.self)
            let c = try withdraw(db, consentID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "consent.withdraw", entityType: "member", entityID: c.memberID.description)
            return try APIReply.json(c)
        }
    }

    /// `GET /v1/admin/consents/{id}/form`: the signed form's bytes, as recorded.
    static func form(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        _ = try ctx.filters([])
        let f = try ctx.read { db in try ConsentStore.form(db, consentID: id, for: ctx.actor) }
        return formResponse(f.bytes, contentType: f.contentType, consentID: id)
    }

    /// The form as a download: never rendered inline, never cached (personal data).
    static func formResponse(_ bytes: [UInt8], contentType: String, consentID: String) -> HTTPResponse {
        let ext = contentType == "application/pdf" ? "pdf" : contentType == "image/png" ? "png" : "jpg"
        return HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": contentType, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                "Content-Disposition": "attachment; filename=\"consent-\(consentID.prefix(8)).\(ext)\"",
            ], body: .bytes(bytes))
    }

    /// `POST /v1/admin/members/{id}/category`.
    static func category(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            let member = try ConsentStore.member(db, id: id, for: ctx.actor)
            let body = try ctx.body(MemberCategoryRequest.self)
            try setCategory(db, member, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "member.category", entityType: "member", entityID: id, summary: body.category)
            return try APIReply.json(try status(db, familyID: member.familyID, for: ctx.actor, now: ctx.now))
        }
    }

    static func setCategory(
        _ db: any DatabaseConnection, _ member: ConsentStore.MemberRef, _ body: MemberCategoryRequest,
        for actor: Principal, now: Int64
    ) throws {
        guard Annex2Category(rawValue: body.category) != nil else {
            throw ServerError.field(
                .invalidField, "/category", Annex2Category.allCases.map(\.rawValue).joined(separator: "|"))
        }
        try ConsentStore.setCategory(
            db, member: member, category: body.category, rkCitizen: body.rkCitizen, by: actor.userID, now: now)
    }

    /// Validates and stores a consent with its form (API and console).
    ///
    /// - Throws: `404 not_found` outside the scope; `422 invalid_field` for a form that is empty,
    ///   over 2 MiB, of another type than PDF, JPEG or PNG or whose bytes are not of its type, a
    ///   file name over 200 characters, a date in the future or before the member's birth;
    ///   `409 conflict` when the member already has a current consent (withdraw it first).
    static func add(
        _ db: any DatabaseConnection, memberID: String, givenOn: CalendarDate, contentType: String, fileName: String?,
        bytes: [UInt8], for actor: Principal, now: Int64
    ) throws -> MemberConsent {
        let member = try ConsentStore.member(db, id: memberID, for: actor)
        guard let magic = formTypes[contentType] else {
            throw ServerError.field(.invalidField, "/form/content_type", "application/pdf, image/jpeg or image/png")
        }
        guard (1...maxFormBytes).contains(bytes.count) else {
            throw ServerError.field(.invalidField, "/form/data", "the signed form: 1 byte to 2 MiB")
        }
        guard bytes.starts(with: magic) else {
            throw ServerError.field(.invalidField, "/form/data", "the bytes are not \(contentType)")
        }
        try Validation.optionalText(fileName, "/form/file_name", max: 200)
        let today = ConsoleReports.today(now)
        _ = try EvaluationHandlers.day(
            givenOn, "/given_on", from: member.birthDate, to: today, "the date on the form, not in the future")
        guard !(try ConsentStore.hasCurrent(db, memberID: memberID)) else {
            throw ServerError(.conflict, "the member already has a current consent; withdraw it first")
        }
        let sha = SHA256.hash(bytes).hex
        try ConsentStore.addForm(db, sha256: sha, contentType: contentType, bytes: bytes)
        let consent = MemberConsent(
            id: WireID.random(), familyID: WireID(member.familyID) ?? WireID.random(),
            memberID: WireID(memberID) ?? WireID.random(), givenOn: givenOn, formSHA256: sha,
            formContentType: contentType, formSize: bytes.count, formName: fileName,
            recordedBy: WireID(actor.userID) ?? WireID.random(), recordedAt: Timestamp(millisecondsSince1970: now))
        try ConsentStore.insert(db, consent)
        try ConsentStore.refresh(db, familyID: member.familyID, on: today, now: now)
        return try ConsentStore.consent(db, id: consent.id.description, for: actor)
    }

    /// Withdraws a current consent found in scope.
    ///
    /// - Throws: `409 invalid_transition` when already withdrawn; `422 invalid_field` for a date
    ///   before the consent or in the future, a reason over 500 characters.
    static func withdraw(
        _ db: any DatabaseConnection, consentID: String, _ body: ConsentWithdrawRequest, for actor: Principal,
        now: Int64
    ) throws -> MemberConsent {
        let c = try ConsentStore.consent(db, id: consentID, for: actor)
        guard c.withdrawnOn == nil else { throw ServerError(.invalidTransition, "the consent is already withdrawn") }
        try Validation.optionalText(body.reason, "/reason", max: 500)
        let today = ConsoleReports.today(now)
        let given = try LocalDate(c.givenOn.description)
        let on = try EvaluationHandlers.day(
            body.withdrawnOn, "/withdrawn_on", from: given, to: today,
            "not before the consent (\(given)) and not in the future")
        try ConsentStore.withdraw(db, id: consentID, on: on, reason: body.reason, by: actor.userID, now: now)
        try ConsentStore.refresh(db, familyID: c.familyID.description, on: today, now: now)
        return try ConsentStore.consent(db, id: consentID, for: actor)
    }

    /// Every member's consent and category, for a family in scope.
    static func status(
        _ db: any DatabaseConnection, familyID: String, for actor: Principal, now: Int64
    ) throws -> FamilyConsents {
        _ = try MonitoringStore.start(db, familyID: familyID, for: actor)
        let today = ConsoleReports.today(now)
        let members = try FamilyStore.members(db, familyID: familyID)
        let consents = try ConsentStore.consents(db, familyID: familyID)
        let categories = try ConsentStore.categories(db, familyID: familyID)
        let list = members.map { m -> MemberConsentStatus in
            let adult =
                (try? LocalDate(m.birthDate.description)).map { ConsentRules.isAdult(bornOn: $0, on: today) }
                ?? true
            let history = consents.filter { $0.memberID == m.id }
            let current = history.last { $0.withdrawnOn == nil }
            let category = categories[m.id.description]
            return MemberConsentStatus(
                memberID: m.id, adult: adult, category: category?.category, rkCitizen: category?.rkCitizen,
                consent: current, missing: adult && current == nil, history: history)
        }
        return FamilyConsents(
            familyID: WireID(familyID) ?? WireID.random(), complete: !list.contains { $0.missing }, members: list)
    }
}
