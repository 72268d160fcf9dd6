import Foundation
import KandasProtocol
import SystemKit

/// `kandas admin consents show FAMILY`: each member's consent and Annex 2 category (Rules 2, para 12).
struct AdminConsentsShowCommand: Command {
    static let spec = CommandSpec(
        ["admin", "consents", "show"], summary: "each member's personal-data consent and Annex 2 category",
        arguments: [ArgumentSpec("FAMILY", "the family ID")],
        examples: ["kandas admin consents show 5f0c1a2e-3b4d-4e6f-8a9b-000000000501"])

    let family: WireID

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        family = try InputParser.id(arguments.positionals[0], what: "FAMILY")
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let c = try await context.adminClient().get("/admin/families/\(family)/consents", as: FamilyConsents.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(c)) }
        context.print(c.complete ? "Every adult has consented." : "Consent missing: no plan can be published.")
        var table = Table(["MEMBER", "ADULT", "CATEGORY", "CONSENT", "GIVEN", "FORM"])
        for m in c.members {
            table.append([
                Format.short(m.memberID), m.adult ? "yes" : "no", m.category ?? "",
                m.consent.map { Format.short($0.id) } ?? (m.missing ? "MISSING" : ""),
                m.consent?.givenOn.description ?? "", m.consent.map { String($0.formSHA256.prefix(12)) } ?? "",
            ])
        }
        context.printTable(table, empty: "")
    }
}

/// `kandas admin consents record MEMBER --form FILE`: an adult member's consent with the signed form.
struct AdminConsentsRecordCommand: Command {
    static let spec = CommandSpec(
        ["admin", "consents", "record"], summary: "record an adult member's consent with the signed form",
        arguments: [ArgumentSpec("MEMBER", "the member ID")],
        options: [
            .value("given-on", "YYYY-MM-DD", "the date on the signed form"),
            .value("form", "FILE", "the scanned form: .pdf, .jpg or .png, up to 2 MiB"),
        ],
        examples: [
            "kandas admin consents record 5f0c1a2e-3b4d-4e6f-8a9b-000000000601 --given-on 2026-09-10 --form consent.pdf"
        ])

    let member: WireID
    let givenOn: CalendarDate
    let path: String
    let contentType: String

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        member = try InputParser.id(arguments.positionals[0], what: "MEMBER")
        guard let on = CalendarDate(arguments.value("given-on") ?? "") else {
            throw .usage("--given-on needs a date YYYY-MM-DD")
        }
        givenOn = on
        guard let path = arguments.value("form") else { throw .usage("--form FILE is needed (the signed form)") }
        self.path = path
        switch (path as NSString).pathExtension.lowercased() {
        case "pdf": contentType = "application/pdf"
        case "jpg", "jpeg": contentType = "image/jpeg"
        case "png": contentType = "image/png"
        default: throw .usage("--form '\(path)' must end in .pdf, .jpg or .png")
        }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let path = self.path
        guard let data = await Blocking.run({ FileManager.default.contents(atPath: path) }) else {
            throw .runtime("cannot read \(path)", hint: "check the path and permissions", code: "file_unreadable")
        }
        guard data.count <= 2 << 20 else { throw .runtime("\(path) is larger than 2 MiB, the form limit") }
        let request = ConsentRequest(
            givenOn: givenOn,
            form: ConsentFormUpload(
                contentType: contentType, fileName: (path as NSString).lastPathComponent,
                data: data.base64EncodedString()))
        let c = try await context.adminClient().send(
            "POST", "/admin/members/\(member)/consents", json: request, as: MemberConsent.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(c)) }
        context.print("Consent \(c.id) recorded (form sha256 \(c.formSHA256.prefix(12))…).")
    }
}
