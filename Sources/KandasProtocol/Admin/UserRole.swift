/// A user's role; it decides what the user may read and write (sync-v1 §3).
public enum UserRole: String, Sendable, Codable, Equatable, CaseIterable {
    /// Works in the field with an enrolled device.
    case fieldWorker = "field_worker"
    /// Supervises one career centre.
    case centreSupervisor = "centre_supervisor"
    /// Administers one region.
    case regionAdmin = "region_admin"
    /// Administers everything.
    case nationalAdmin = "national_admin"
    /// Reads everything in its scope, writes nothing.
    case auditor
    /// The local executive body in the field of migration (Rules 1): registers applications, keeps
    /// the reserve, issues referrals, decides early termination; one region.
    case migrationOfficer = "migration_officer"
    /// Staff of a Kandas Adaptation and Integration Centre (Rules 1): move-in, residents,
    /// complaints, termination requests; one region.
    case aicStaff = "aic_staff"
    /// An employee of the labour mobility centre of the receiving region (Rules 2, para 34):
    /// approves the adaptation and integration plans of the region's families; one region.
    case labourMobilityOfficer = "labour_mobility_officer"
}
