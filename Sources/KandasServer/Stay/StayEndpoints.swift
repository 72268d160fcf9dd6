import HTTPServer
import KandasProtocol

/// The routes of the Centre stay (Protocol/stay-v1.md §4), part of ``EndpointTable/all``.
///
/// The local executive body in the field of migration registers, keeps the reserve, issues
/// referrals and decides early termination; Centre staff record move-in, residents, complaints
/// and termination requests; region and national administrators and auditors read (each in its region).
enum StayEndpoints {
    static let base = EndpointTable.admin + "/stay"

    static let all: [Endpoint] = [
        Endpoint(.get, base + "/due", .staff(roles: .stayReaders), StayHandlers.due),
        Endpoint(.get, base + "/centres", .staff(roles: .stayReaders), StayHandlers.listCentres),
        Endpoint(.post, base + "/centres", .staff(roles: .stayCentreManagers), writes: true, StayHandlers.createCentre),
        Endpoint(.get, base + "/centres/:id", .staff(roles: .stayReaders), StayHandlers.getCentre),
        Endpoint(
            .patch, base + "/centres/:id", .staff(roles: .stayCentreManagers), writes: true, StayHandlers.updateCentre),
        Endpoint(.get, base + "/centres/:id/journals", .staff(roles: .stayReaders), StayHandlers.listJournals),
        Endpoint(.get, base + "/centres/:id/reserve", .staff(roles: .stayReaders), StayHandlers.getReserve),
        Endpoint(
            .post, base + "/centres/:id/reserve/next", .staff(roles: .stayOfficers), writes: true,
            StayHandlers.offerNext),
        Endpoint(.get, base + "/journals/:id", .staff(roles: .stayReaders), StayHandlers.getJournal),
        Endpoint(
            .post, base + "/journals/:id/close", .staff(roles: .stayOfficers), writes: true, StayHandlers.closeJournal),
        Endpoint(.get, base + "/applications", .staff(roles: .stayReaders), StayHandlers.listApplications),
        Endpoint(.post, base + "/applications", .staff(roles: .stayOfficers), writes: true, StayHandlers.register),
        Endpoint(.get, base + "/applications/:id", .staff(roles: .stayReaders), StayHandlers.getApplication),
        Endpoint(
            .post, base + "/applications/:id/coupons", .staff(roles: .stayOfficers), writes: true,
            StayHandlers.recordCoupon),
        Endpoint(
            .post, base + "/applications/:id/consider", .staff(roles: .stayOfficers), writes: true,
            StayHandlers.consider),
        Endpoint(
            .put, base + "/applications/:id/signature", .staff(roles: .stayOfficers), writes: true,
            bodyLimit: 4 << 20, StayHandlers.putSignature),
        Endpoint(.get, base + "/applications/:id/signature", .staff(roles: .stayReaders), StayHandlers.getSignature),
        Endpoint(.get, base + "/referrals", .staff(roles: .stayReaders), StayHandlers.listReferrals),
        Endpoint(.get, base + "/referrals/:id", .staff(roles: .stayReaders), StayHandlers.getReferral),
        Endpoint(
            .post, base + "/referrals/:id/move-in", .staff(roles: .stayCentreStaff), writes: true, StayHandlers.moveIn),
        Endpoint(.get, base + "/residents", .staff(roles: .stayReaders), StayHandlers.listResidents),
        Endpoint(.get, base + "/residents/:id", .staff(roles: .stayReaders), StayHandlers.getResident),
        Endpoint(
            .post, base + "/residents/:id/end", .staff(roles: .stayCentreStaff), writes: true, StayHandlers.endStay),
        Endpoint(
            .post, base + "/residents/:id/vacate", .staff(roles: .stayCentreStaff), writes: true, StayHandlers.vacate),
        Endpoint(.get, base + "/complaints", .staff(roles: .stayReaders), StayHandlers.listComplaints),
        Endpoint(.post, base + "/complaints", .staff(roles: .stayCentreStaff), writes: true, StayHandlers.complain),
        Endpoint(.get, base + "/complaints/:id", .staff(roles: .stayReaders), StayHandlers.getComplaint),
        Endpoint(.get, base + "/termination-requests", .staff(roles: .stayReaders), StayHandlers.listTerminations),
        Endpoint(
            .post, base + "/termination-requests", .staff(roles: .stayCentreStaff), writes: true,
            StayHandlers.requestTermination),
        Endpoint(.get, base + "/termination-requests/:id", .staff(roles: .stayReaders), StayHandlers.getTermination),
        Endpoint(
            .post, base + "/termination-requests/:id/decision", .staff(roles: .stayOfficers), writes: true,
            StayHandlers.decide),
    ]
}

extension Set where Element == UserRole {
    /// Who reads the Centre stay (each within its region; national roles everywhere).
    static let stayReaders: Set<UserRole> = [.migrationOfficer, .aicStaff, .regionAdmin, .nationalAdmin, .auditor]
    /// The local executive body in the field of migration (Rules 1, paras 2(1), 3-8, 14, 16).
    static let stayOfficers: Set<UserRole> = [.migrationOfficer]
    /// Centre staff (Rules 1, paras 9-13, 17).
    static let stayCentreStaff: Set<UserRole> = [.aicStaff]
    /// Who opens Centres and sets their beds (para 2(2): created by the oblast/city executive body).
    static let stayCentreManagers: Set<UserRole> = [.migrationOfficer, .regionAdmin, .nationalAdmin]
}
