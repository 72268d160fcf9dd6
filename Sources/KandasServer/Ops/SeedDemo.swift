import Crypto
import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// `kandas-server seed-demo`: a small, realistic, entirely fictitious organisation in an empty store.
///
/// Two regions, two career centres each, a supervisor and two field workers per centre, a region
/// admin per region, a national admin and an auditor; 20 families (generated valid IINs, made-up
/// names) with published plans; and one enrollment code per worker (72 h) so `kandas` can be tried
/// at once. Every demo user shares one password, printed once. `--json` prints the same as JSON
/// for scripts and tests.
enum SeedDemo {
    struct Output: Codable {
        var password: String
        var users: [String: SeedUser]
        var regions: [String]
        var centres: [String]
        var families: [String]
        var codes: [String: String]
    }

    struct SeedUser: Codable {
        var id: String
        var role: String
        var regionID: String?
        var centreID: String?

        // snake_case like every other JSON the project prints (issue 18 item 6).
        enum CodingKeys: String, CodingKey {
            case id, role
            case regionID = "region_id"
            case centreID = "centre_id"
        }
    }

    static let lastNames = ["Abenov", "Serikova", "Tulegenov", "Zhakupova", "Oralbekov", "Nurlanova", "Dauletov"]
    static let firstNames = ["Aidar", "Aruzhan", "Bolat", "Dana", "Yerlan", "Madina", "Nurlan", "Saule", "Timur"]

    static func run(config: ServerConfig, password: String?, json: Bool) throws -> String {
        let app = try KandasApp(config: config, logger: ServerCommand.logger(config), uploads: false)
        defer { app.database.close() }
        let password = password ?? "demo-" + SecureRandom.token(bytes: 9)
        guard password.count >= 12 else { throw CommandError.usage("--password needs at least 12 characters") }
        let now = app.now()
        let hash = Password.hash(password, iterations: config.passwordIterations)
        var out = Output(password: password, users: [:], regions: [], centres: [], families: [], codes: [:])
        try app.database.writeSync { db in
            // A transaction that lost a race runs this closure again (PostgreSQL): it starts from
            // nothing, so the output never lists the IDs of a rolled-back attempt.
            out = Output(password: password, users: [:], regions: [], centres: [], families: [], codes: [:])
            guard !(try OpsStore.hasUsers(db)) else {
                throw CommandError.failure("the store already has users; seed-demo only fills an empty store")
            }
            func user(_ name: String, _ role: UserRole, region: String?, centre: String?) throws -> String {
                let id = try OrganisationStore.insertUser(
                    db, username: name, displayName: "Demo " + name, role: role, regionID: region, centreID: centre,
                    passwordHash: hash, now: now)
                out.users[name] = SeedUser(id: id, role: role.rawValue, regionID: region, centreID: centre)
                return id
            }
            let admin = try user("admin", .nationalAdmin, region: nil, centre: nil)
            _ = try user("auditor", .auditor, region: nil, centre: nil)
            let regions = try OrganisationStore.regionIDs(db, codes: ["KZ-19", "KZ-61"])
            var iins = IINGenerator(seed: 20_261_125)
            var familyNumber = 0
            for (r, region) in regions.enumerated() {
                out.regions.append(region)
                _ = try user("region\(r + 1)", .regionAdmin, region: region, centre: nil)
                // Rules 1 (the Centre stay): the region's migration officer and Centre staff.
                _ = try user("migration\(r + 1)", .migrationOfficer, region: region, centre: nil)
                _ = try user("aic\(r + 1)", .aicStaff, region: region, centre: nil)
                // Rules 2, para 34: the receiving region's labour mobility centre approves plans.
                _ = try user("mobility\(r + 1)", .labourMobilityOfficer, region: region, centre: nil)
                for c in 1...2 {
                    let centre = try OrganisationStore.insertCentre(
                        db, regionID: region, name: "Demo career centre \(r + 1).\(c)", address: "Demo street \(c)",
                        now: now)
                    out.centres.append(centre)
                    let tag = "\(r + 1)\(c)"
                    let supervisor = try user("super\(tag)", .centreSupervisor, region: region, centre: centre)
                    let workers = try [1, 2].map {
                        try user("worker\(tag)\($0)", .fieldWorker, region: region, centre: centre)
                    }
                    for (w, worker) in workers.enumerated() {
                        let code = Tokens.enrollmentCode()
                        _ = try DeviceStore.insertCode(
                            db, codeHash: Tokens.hash(code), userID: worker, createdBy: supervisor, now: now,
                            expires: now + 259_200_000)
                        out.codes["worker\(tag)\(w + 1)"] = code
                    }
                    for _ in 0..<5 {
                        familyNumber += 1
                        out.families.append(
                            try family(
                                db, number: familyNumber, centre: centre, workers: workers, iins: &iins, admin: admin,
                                now: now))
                    }
                }
            }
            try AuditLog.append(
                db, at: now, actor: nil, action: "system.seed_demo", entityType: "store", entityID: nil,
                remoteAddr: "local", requestID: "seed-demo", summary: "demo organisation created")
        }
        if json { return String(decoding: try JSONCoding.encode(out), as: UTF8.self) }
        var text = "Demo organisation created in \(config.storeDescription).\n"
        text += "Every demo user has the password: \(password)\n"
        text += "Users: admin (national_admin), auditor, region1, region2, migration1, migration2, aic1, aic2,"
        text += " mobility1, mobility2,"
        text += " super11..super22, worker111..worker222\n"
        text += "Enrollment codes (valid 72 h; payload kandas1:\(app.publicBaseURL)#<code>):\n"
        for (name, code) in out.codes.sorted(by: { $0.key < $1.key }) { text += "  \(name): \(code)\n" }
        return text
    }

    /// A placeholder signed form (a minimal PDF) for the demo families' consents.
    static let demoForm = Array("%PDF-1.4\n% Kandas demo: signed consent form (Rules 2, Annex 2)\n%%EOF\n".utf8)

    /// Every adult member's consent (Rules 2 para 12) with the demo form, and their Annex 2 category.
    static func consents(
        _ db: any DatabaseConnection, familyID: String, members: [MemberCreate], ids: [String: String],
        givenOn: CalendarDate, admin: String, now: Int64
    ) throws {
        let today = PlanStore.localDay(now)
        let sha = SHA256.hash(demoForm).hex
        try ConsentStore.addForm(db, sha256: sha, contentType: "application/pdf", bytes: demoForm)
        for m in members {
            guard let id = ids[m.iin], let birth = try? LocalDate(m.birthDate.description) else { continue }
            let category: Annex2Category =
                switch m.relation {
                case .head: .applicant
                case .spouse: .spouse
                case .parent: .parent
                case .sibling: .sibling
                default: .child
                }
            let ref = ConsentStore.MemberRef(id: id, familyID: familyID, birthDate: birth)
            try ConsentStore.setCategory(
                db, member: ref, category: category.rawValue, rkCitizen: false, by: admin, now: now)
            guard ConsentRules.isAdult(bornOn: birth, on: today) else { continue }
            try ConsentStore.insert(
                db,
                MemberConsent(
                    id: WireID.random(), familyID: WireID(familyID) ?? WireID.random(),
                    memberID: WireID(id) ?? WireID.random(),
                    givenOn: givenOn, formSHA256: sha, formContentType: "application/pdf", formSize: demoForm.count,
                    formName: "demo-consent.pdf", recordedBy: WireID(admin) ?? WireID.random(),
                    recordedAt: Timestamp(millisecondsSince1970: now)))
        }
        // Part of the family's creation: no second version, no extra feed entry.
        try ConsentStore.refresh(db, familyID: familyID, on: today, now: now, feed: false)
    }

    /// One family of 2-4 members with a published plan of 3-5 items.
    static func family(
        _ db: any DatabaseConnection, number: Int, centre: String, workers: [String], iins: inout IINGenerator,
        admin: String,
        now: Int64
    ) throws -> String {
        let last = lastNames[number % lastNames.count]
        var members: [MemberCreate] = []
        let relations: [Relation] = [.head, .spouse, .child, .child]
        for m in 0..<(2 + number % 3) {
            let born = try LocalDate(
                year: m < 2 ? 1975 + number % 15 : 2008 + number % 10, month: 1 + m * 3, day: 10 + m)
            let iin = iins.next(bornOn: born, sex: m == 1 ? .female : .male)
            guard let birth = CalendarDate(born.description) else { continue }
            members.append(
                MemberCreate(
                    iin: iin.digits, lastName: last, firstName: firstNames[(number + m) % firstNames.count],
                    birthDate: birth, relation: relations[m]))
        }
        let create = FamilyCreate(
            careerCentreID: WireID(centre) ?? WireID.random(),
            assignedWorkerIDs: [WireID(workers[number % workers.count]) ?? WireID.random()],
            settlement: Settlement(
                name: "Demo settlement \(number)", latitude: 43.2 + Double(number) / 100, longitude: 76.9),
            quotaInclusionDate: CalendarDate(year: 2026, month: 1 + number % 9, day: 15) ?? CalendarDate("2026-01-15")!,
            members: members)
        let (familyID, memberIDs) = try FamilyStore.insert(db, create, now: now)
        try consents(
            db, familyID: familyID, members: members, ids: memberIDs, givenOn: create.quotaInclusionDate, admin: admin,
            now: now)
        let planID = try PlanStore.insertPlan(db, familyID: familyID, now: now)
        for k in 0..<(3 + number % 3) {
            let member = members[k % members.count]
            _ = try PlanStore.insertItem(
                db, planID: planID, familyID: familyID, memberID: memberIDs[member.iin] ?? "",
                serviceCode: 1 + (number * 3 + k * 5) % 25, dueDate: "2026-12-\(10 + k)", instructions: nil,
                workerID: nil, actorID: admin, now: now)
        }
        try PlanStore.publishAtOnce(db, planID: planID, now: now)
        try FamilyStore.recordChange(db, entity: .plan, id: planID, familyID: familyID, op: .publish)
        return familyID
    }
}
