import KandasProtocol

/// `kandas admin devices revoke DEVICE --reason TEXT`: every token of the device stops working at once (§2.4).
struct AdminDevicesRevokeCommand: Command {
    static let spec = CommandSpec(
        ["admin", "devices", "revoke"], summary: "revoke a device (lost, stolen, or replaced)",
        arguments: [ArgumentSpec("DEVICE", "the device ID (see kandas admin devices list)")],
        options: [.value("reason", "TEXT", "why (required)")],
        discussion: "The device keeps its unsent work; the worker enrolls again with a new code to send it.",
        examples: ["kandas admin devices revoke 5e6f7a8b-... --reason 'Phone lost'"])

    let device: WireID
    let reason: String

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        device = try InputParser.id(arguments.positionals[0], what: "DEVICE")
        guard let reason = arguments.value("reason")?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty
        else { throw .usage("devices revoke needs --reason TEXT") }
        self.reason = reason
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let revoked = try await context.adminClient().send(
            "POST", "/admin/devices/\(device)/revoke", json: DeviceRevokeRequest(reason: reason), as: Device.self)
        if context.globals.json { return context.printJSON(ViewJSON.encode(revoked)) }
        context.print("Revoked device \(revoked.id) (\(revoked.status.rawValue)).")
    }
}
