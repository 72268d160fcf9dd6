/// What a completion of a service must carry: photo, video, document, geolocation.
///
/// Rules 2, para 36: completed activities are accompanied by "photo and video fixations of
/// the work done, with the relevant supporting documents, and the geolocation". Para 37
/// repeats photo and video. We therefore require photo, video and geolocation for every
/// service, and read "relevant" (`тиісті`) as: a document is required where the service
/// normally produces one (a certificate, a registration, a referral, a receipt) and only
/// recommended otherwise (a concert, a consultation), with the reason per service in
/// ``documentReason``. Capture-time checks only warn on recommended evidence.
///
/// One definition of **complete** (services.md §1.2, sync-v1 §9.1): every required kind is
/// present (a file of that kind declared; the location on the completion) **and** every declared
/// file is verified. ``incompleteReasons(present:filesDeclared:filesVerified:)`` computes it;
/// the server stores its result and every reader (API, console, exports, Annex 3) uses that.
public struct EvidenceRule: Hashable, Codable, Sendable {
    /// A kind of evidence.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case photo, video, document, geolocation

        // Compared and hashed by case, not by the raw string (the `RawRepresentable` defaults, which
        // hash the text): every pushed `complete` builds and searches sets of kinds.
        private var ordinal: Int {
            switch self {
            case .photo: 0
            case .video: 1
            case .document: 2
            case .geolocation: 3
            }
        }

        public static func == (lhs: Kind, rhs: Kind) -> Bool { lhs.ordinal == rhs.ordinal }

        public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
    }

    /// How strongly a kind of evidence is asked for.
    public enum Requirement: String, Codable, Sendable {
        /// The completion is incomplete without it.
        case required
        /// Asked for; its absence is shown but does not make the completion incomplete.
        case recommended
    }

    /// Photo of the work done (paras 36, 37).
    public let photo: Requirement
    /// Video of the work done (paras 36, 37).
    public let video: Requirement
    /// The relevant supporting document (para 36).
    public let document: Requirement
    /// Where the work was done (para 36); always required.
    public let geolocation: Requirement
    /// Why ``document`` is required or recommended for this service (our reading of `тиісті`).
    public let documentReason: String

    /// The rule for a service whose supporting document is `document` (for `reason`); the rest is required.
    public init(document: Requirement, reason: String = "") {
        self.photo = .required
        self.video = .required
        self.document = document
        self.geolocation = .required
        self.documentReason = reason
    }

    /// What keeps a completion from counting, in wire spelling (sync-v1 §9.1 `evidence_missing`):
    /// the required kinds absent from `present` (`photo`, `video`, `document`, `geolocation`), then
    /// `unverified_files` while fewer than `filesDeclared` files are verified. Empty means complete.
    public func incompleteReasons(present: Set<Kind>, filesDeclared: Int, filesVerified: Int) -> [String] {
        var reasons = missing(from: present).map(\.rawValue)
        if filesVerified < filesDeclared { reasons.append(Self.unverifiedFiles) }
        return reasons
    }

    /// The reason a completion with declared files not yet verified is incomplete.
    public static let unverifiedFiles = "unverified_files"

    /// The requirement for one kind.
    public func requirement(for kind: Kind) -> Requirement {
        switch kind {
        case .photo: photo
        case .video: video
        case .document: document
        case .geolocation: geolocation
        }
    }

    /// The kinds that are required.
    public var required: [Kind] { Kind.allCases.filter { requirement(for: $0) == .required } }

    /// The required kinds missing from `present` (empty when the completion is complete).
    public func missing(from present: Set<Kind>) -> [Kind] {
        Kind.allCases.filter { requirement(for: $0) == .required && !present.contains($0) }
    }
}
