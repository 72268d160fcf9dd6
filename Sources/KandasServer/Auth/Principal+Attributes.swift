import HTTPServer
import KandasProtocol

extension Principal {
    /// Attribute keys under which the request-head hook leaves the authenticated principal.
    ///
    /// The hook authenticates before any body byte is read (``KandasApp/authorizeHead(_:)``); the
    /// handler then reads the result back instead of authenticating a second time. Attributes
    /// are never logged; the token itself is not copied into them (it is still in the header).
    enum Attribute {
        static let kind = "kandas.principal.kind"
        static let userID = "kandas.principal.user_id"
        static let role = "kandas.principal.role"
        static let regionID = "kandas.principal.region_id"
        static let careerCentreID = "kandas.principal.career_centre_id"
        static let deviceID = "kandas.principal.device_id"
        static let tokenHash = "kandas.principal.token_hash"
    }

    /// Writes this principal into a request's attributes.
    func store(in attributes: inout [String: String]) {
        attributes[Attribute.kind] = kind == .device ? "device" : "user"
        attributes[Attribute.userID] = userID
        attributes[Attribute.role] = role.rawValue
        attributes[Attribute.regionID] = regionID
        attributes[Attribute.careerCentreID] = careerCentreID
        attributes[Attribute.deviceID] = deviceID
        attributes[Attribute.tokenHash] = tokenHash
    }

    /// The principal the hook stored on `request`, with its presented token as `secret`; nil when
    /// the hook did not run (in-process callers without hooks authenticate themselves).
    init?(attributes request: HTTPRequest) {
        let a = request.attributes
        guard let kindText = a[Attribute.kind], let userID = a[Attribute.userID],
            let role = a[Attribute.role].flatMap(UserRole.init(rawValue:)), let tokenHash = a[Attribute.tokenHash]
        else { return nil }
        self.init(
            kind: kindText == "device" ? .device : .user, userID: userID, role: role, regionID: a[Attribute.regionID],
            careerCentreID: a[Attribute.careerCentreID], deviceID: a[Attribute.deviceID], tokenHash: tokenHash)
        // The same bytes the authenticator kept: the token after `Bearer `.
        let parts = (request.headers["Authorization"] ?? "").split(separator: " ", omittingEmptySubsequences: true)
        if parts.count == 2 { secret = Array(parts[1].utf8) }
    }
}
