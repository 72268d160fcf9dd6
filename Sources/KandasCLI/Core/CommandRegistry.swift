/// Every `kandas` command and the groups (`admin`, `admin users`...) their paths form.
public enum CommandRegistry {
    /// All commands, in the order `kandas help` lists them.
    public static let commands: [any Command.Type] = [
        HelpCommand.self,
        EnrollCommand.self, LoginCommand.self, SyncCommand.self, StatusCommand.self, FamiliesCommand.self,
        ItemsCommand.self,
        CompleteCommand.self, AmendCommand.self, VoidCommand.self, ConflictsCommand.self, ResolveCommand.self,
        ReceiptsCommand.self, FilesCommand.self,
        AdminLoginCommand.self, AdminLogoutCommand.self, AdminUsersListCommand.self, AdminUsersCreateCommand.self,
        AdminCodesCreateCommand.self, AdminFamiliesListCommand.self, AdminFamiliesShowCommand.self,
        AdminImportCommand.self, AdminUploadsCommand.self, AdminReviewCommand.self, AdminReportMonthlyCommand.self,
        AdminDevicesListCommand.self, AdminDevicesRevokeCommand.self, AdminDownloadCommand.self,
        // Rules 1, the Centre stay (Protocol/stay-v1.md).
        AdminStayCentresCommand.self, AdminStayAddCentreCommand.self, AdminStayDueCommand.self,
        AdminStayRegisterCommand.self, AdminStayCouponCommand.self, AdminStayConsiderCommand.self,
        AdminStayApplicationsCommand.self, AdminStayNextCommand.self, AdminStayMoveInCommand.self,
        AdminStayResidentsCommand.self, AdminStayEndCommand.self, AdminStayVacateCommand.self,
        AdminStayComplaintCommand.self, AdminStayTerminateCommand.self, AdminStayDecideCommand.self,
        // Rules 2 round 2 (issue 16).
        AdminReportSubmitCommand.self, AdminReportSubmissionsCommand.self, AdminMonitoringShowCommand.self,
        AdminMonitoringRecordCommand.self,
        AdminEvaluationsShowCommand.self, AdminEvaluationsRecordCommand.self, AdminEvaluationsConcludeCommand.self,
        AdminEvaluationsFollowUpCommand.self, AdminConsentsShowCommand.self, AdminConsentsRecordCommand.self,
        AdminMonitoringRecordCommand.self, AdminCardsListCommand.self, AdminCardsRetryCommand.self,
    ]

    /// One-line descriptions of the command groups.
    public static let groups: [[String]: String] = [
        ["admin"]: "administrator commands over the admin API (log in first: kandas admin login)",
        ["admin", "users"]: "list and create users",
        ["admin", "codes"]: "create enrollment codes for field workers' devices",
        ["admin", "families"]: "list families and show one with its members",
        ["admin", "devices"]: "list and revoke enrolled devices",
        ["admin", "monitoring"]: "a family's five-year monitoring on record (Rules 2, paras 40-45)",
        ["admin", "evaluations"]: "quarterly quality evaluations of career centres (Rules 2, paras 47-51)",
        ["admin", "consents"]: "personal-data consent per adult member with the signed form (Rules 2, para 12)",
        ["admin", "cards"]: "deliveries to the family's digital card and retries of dead ones (Rules 2, para 37)",
        ["admin", "report"]: "the regulation's reports (Annex 3 monthly report and its delivery)",
        ["admin", "stay"]: "the Centre stay (Rules 1): centres, journal, reserve, referrals, residents",
    ]

    /// The command at exactly `path`.
    public static func command(_ path: [String]) -> (any Command.Type)? {
        commands.first { $0.spec.path == path }
    }

    /// Whether `path` is a group (a proper prefix of some command's path).
    public static func isGroup(_ path: [String]) -> Bool {
        commands.contains { $0.spec.path.count > path.count && Array($0.spec.path.prefix(path.count)) == path }
    }

    /// The commands and sub-groups directly under `path`: (word, summary).
    public static func children(of path: [String]) -> [(word: String, summary: String)] {
        var seen: Set<String> = []
        var out: [(String, String)] = []
        for command in commands {
            let full = command.spec.path
            guard full.count > path.count, Array(full.prefix(path.count)) == path else { continue }
            let word = full[path.count]
            guard seen.insert(word).inserted else { continue }
            let child = path + [word]
            out.append((word, full.count == child.count ? command.spec.summary : groups[child] ?? ""))
        }
        return out
    }
}
