import KandasProtocol

/// `kandas admin devices list`: enrolled devices, their last contact and reported queue (sync-v1 §4.4).
struct AdminDevicesListCommand: Command {
    static let spec = CommandSpec(
        ["admin", "devices", "list"], summary: "list enrolled devices with last contact and queue depth",
        options: [
            .value("user", "USER_ID", "only this user's devices"),
            .value("centre", "CENTRE_ID", "only this career centre"),
            .value("status", "STATUS", "active or revoked"),
        ],
        examples: ["kandas admin devices list --status active"])

    let query: [(String, String)]

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        var query: [(String, String)] = []
        if let user = arguments.value("user") {
            query.append(("user_id", try InputParser.id(user, what: "--user").description))
        }
        if let centre = arguments.value("centre") {
            query.append(("career_centre_id", try InputParser.id(centre, what: "--centre").description))
        }
        if let status = arguments.value("status") {
            query.append(("status", try InputParser.choice(status, flag: "status", as: DeviceStatus.self).rawValue))
        }
        self.query = query
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let devices = try await context.adminClient().list("/admin/devices", query: query, as: Device.self)
        if context.globals.json { return context.printJSONList(devices) }
        let format = context.format
        var table = Table(
            ["DEVICE", "USER", "PLATFORM", "NAME", "STATUS", "LAST SEEN", "SEQ", "QUEUE"], rightAligned: [6, 7])
        for device in devices {
            let queue = device.clientStatus.map { "\($0.outboxEvents) ev, \($0.filesPending) files" } ?? "-"
            table.append([
                device.id.description, Format.short(device.userID), device.platform.rawValue, device.deviceName ?? "",
                device.status.rawValue, device.lastSeenAt.map(format.time) ?? "never", "\(device.lastDeviceSeq)", queue,
            ])
        }
        context.printTable(table, empty: "No devices match.")
    }
}
