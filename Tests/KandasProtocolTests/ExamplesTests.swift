import Foundation
import Testing

@testable import KandasProtocol

/// Decodes an example as `T` and encodes it again.
private func roundTrip<T: Codable & SendableMetatype>(_ type: T.Type) -> @Sendable (Data) throws -> Data {
    { data in try JSONCoding.encode(try JSONCoding.decode(T.self, from: data)) }
}

/// Every file of `Protocol/examples/` and the type it is a message of. A file missing here fails.
private let exampleTypes: [String: @Sendable (Data) throws -> Data] = [
    "audit-entry": roundTrip(AuditEntry.self),
    "career-centre": roundTrip(CareerCentre.self),
    "career-centre-create": roundTrip(CareerCentreCreate.self),
    "career-centre-update": roundTrip(CareerCentreUpdate.self),
    "completion": roundTrip(Completion.self),
    "report-submission": roundTrip(ReportSubmission.self),
    "monitoring-record": roundTrip(MonitoringRecord.self),
    "monitoring-record-request": roundTrip(MonitoringRecordRequest.self),
    "evaluation-request": roundTrip(EvaluationRequest.self),
    "evaluation-record": roundTrip(EvaluationRecord.self),
    "evaluation-history": roundTrip(EvaluationHistory.self),
    "evaluation-conclusion-request": roundTrip(EvaluationConclusionRequest.self),
    "evaluation-follow-up-request": roundTrip(EvaluationFollowUpRequest.self),
    "residence-change-request": roundTrip(ResidenceChangeRequest.self),
    "family-residence": roundTrip(FamilyResidence.self),
    "member-consent-request": roundTrip(ConsentRequest.self),
    "member-consent": roundTrip(MemberConsent.self),
    "member-category-request": roundTrip(MemberCategoryRequest.self),
    "consent-withdraw-request": roundTrip(ConsentWithdrawRequest.self),
    "family-consents": roundTrip(FamilyConsents.self),
    "report-submission-request": roundTrip(ReportSubmissionRequest.self),
    "completion-event": roundTrip(StoredEvent.self),
    "completions-page": roundTrip(Page<Completion>.self),
    "conflict": roundTrip(Conflict.self),
    "conflict-resolve-request": roundTrip(ConflictResolveRequest.self),
    "device": roundTrip(Device.self),
    "device-revoke-request": roundTrip(DeviceRevokeRequest.self),
    "enroll-request": roundTrip(EnrollRequest.self),
    "enrollment-code": roundTrip(EnrollmentCode.self),
    "enrollment-code-created": roundTrip(EnrollmentCodeCreated.self),
    "enrollment-code-request": roundTrip(EnrollmentCodeRequest.self),
    "evidence-file": roundTrip(EvidenceFile.self),
    "export-geojson": roundTrip(ExportFeatureCollection.self),
    "families-page": roundTrip(Page<Family>.self),
    "family": roundTrip(Family.self),
    "family-create": roundTrip(FamilyCreate.self),
    "family-detail": roundTrip(FamilyDetail.self),
    "family-update": roundTrip(FamilyUpdate.self),
    "health": roundTrip(Health.self),
    "card-forward": roundTrip(CardForward.self),
    "card-record": roundTrip(CardRecord.self),
    "import-report": roundTrip(ImportReport.self),
    "import-request": roundTrip(ImportRequest.self),
    "limits": roundTrip(Limits.self),
    "login-request": roundTrip(LoginRequest.self),
    "login-response": roundTrip(LoginResponse.self),
    "member": roundTrip(Member.self),
    "member-create": roundTrip(MemberCreate.self),
    "member-update": roundTrip(MemberUpdate.self),
    "monthly-report": roundTrip(MonthlyReport.self),
    "plan": roundTrip(Plan.self),
    "plan-create": roundTrip(PlanCreate.self),
    "plan-detail": roundTrip(PlanDetail.self),
    "plan-item": roundTrip(PlanItem.self),
    "plan-item-change-request": roundTrip(PlanItemChangeRequest.self),
    "plan-item-create": roundTrip(PlanItemCreate.self),
    "plan-item-version": roundTrip(PlanItemVersion.self),
    "plan-transition-request": roundTrip(PlanTransitionRequest.self),
    "problem-batch-too-large": roundTrip(Problem.self),
    "problem-consent-missing": roundTrip(Problem.self),
    "problem-unavailable": roundTrip(Problem.self),
    "problem-coupon-missing": roundTrip(Problem.self),
    "stay-act": roundTrip(StayAct.self),
    "stay-application": roundTrip(StayApplication.self),
    "stay-application-create": roundTrip(StayApplicationCreate.self),
    "stay-centre": roundTrip(StayCentre.self),
    "stay-centre-create": roundTrip(StayCentreCreate.self),
    "stay-centre-update": roundTrip(StayCentreUpdate.self),
    "stay-complaint": roundTrip(StayComplaint.self),
    "stay-complaint-create": roundTrip(StayComplaintCreate.self),
    "stay-coupon-record": roundTrip(StayCouponRecord.self),
    "stay-due-list": roundTrip(StayDueList.self),
    "stay-end": roundTrip(StayEnd.self),
    "stay-journal": roundTrip(StayJournal.self),
    "stay-journal-close": roundTrip(StayJournalClose.self),
    "stay-move-in": roundTrip(StayMoveIn.self),
    "stay-referral": roundTrip(StayReferral.self),
    "stay-resident": roundTrip(StayResident.self),
    "stay-residents-page": roundTrip(Page<StayResident>.self),
    "stay-termination": roundTrip(StayTermination.self),
    "stay-termination-create": roundTrip(StayTerminationCreate.self),
    "stay-termination-decision": roundTrip(StayTerminationDecision.self),
    "stay-vacate": roundTrip(StayVacate.self),
    "problem-upload-offset-mismatch": roundTrip(Problem.self),
    "problem-validation": roundTrip(Problem.self),
    "pull-response": roundTrip(PullResponse.self),
    "pull-response-reset": roundTrip(PullResponse.self),
    "push-request": roundTrip(PushRequest.self),
    "push-response": roundTrip(PushResponse.self),
    "push-response-gap": roundTrip(PushResponse.self),
    "ready": roundTrip(Readiness.self),
    "receipt": roundTrip(Receipt.self),
    "refresh-request": roundTrip(RefreshRequest.self),
    "region": roundTrip(RegionInfo.self),
    "review": roundTrip(Review.self),
    "review-request": roundTrip(ReviewRequest.self),
    "token-response": roundTrip(TokenResponse.self),
    "upload-metadata": roundTrip(UploadMetadata.self),
    "user": roundTrip(User.self),
    "user-create": roundTrip(UserCreate.self),
    "user-update": roundTrip(UserUpdate.self),
    "whoami": roundTrip(WhoAmI.self),
]

@Test func everyExampleFile_hasAType() throws {
    let names = try ProtocolFolder.exampleNames()
    #expect(!names.isEmpty)
    #expect(Set(names).subtracting(exampleTypes.keys).sorted() == [], "examples without a type")
    #expect(Set(exampleTypes.keys).subtracting(names).sorted() == [], "types without an example file")
}

@Test(arguments: try ProtocolFolder.exampleNames())
func example_decodesAndReencodesToTheSameJSON(name: String) throws {
    let original = try ProtocolFolder.example(name)
    let roundTrip = try #require(exampleTypes[name], "no type for \(name).json")
    let reencoded = try roundTrip(original)
    let before = try JSONCoding.decode(JSONValue.self, from: original)
    let after = try JSONCoding.decode(JSONValue.self, from: reencoded)
    // Unknown fields vanish on re-encoding and missing ones appear (or fail decoding): both differ here.
    var unknown: [String] = []
    JSONCoding.collectUnknown(before, after, "", &unknown)
    var added: [String] = []
    JSONCoding.collectUnknown(after, before, "", &added)
    #expect(unknown == [], "fields the type does not know")
    #expect(added == [], "fields the example lacks")
    if unknown.isEmpty && added.isEmpty {
        #expect(before == after, "values differ after a round trip")
    }
}

@Test func pushRequestExample_hasOnlyRecognizedPayloads() throws {
    // An unrecognized payload round-trips verbatim, so the generic test alone would not catch it.
    let request = try JSONCoding.decodeStrict(PushRequest.self, from: ProtocolFolder.example("push-request"))
    for event in request.events {
        if case .unrecognized(let type, _, let problem) = event.payload {
            Issue.record("event \(event.deviceSeq) (\(type)) not recognized: \(problem)")
        }
    }
    #expect(request.events.map(\.payload.eventType) == [.complete, .amend, .resolve, .void])
}

@Test(arguments: ["pull-response", "pull-response-reset"])
func pullExamples_carryOnlyKnownEntities(name: String) throws {
    let response = try JSONCoding.decode(PullResponse.self, from: ProtocolFolder.example(name))
    for change in response.changes {
        #expect(change.knownEntity != nil, "unknown entity \(change.entity)")
        if case .unknown = change.data { Issue.record("change \(change.seq) decoded as unknown") }
        #expect((change.op == .put) == (change.data != nil), "put carries data, delete does not")
    }
}

@Test func examplesReferencedInTheSpec_existAndEveryExampleIsReferenced() throws {
    // Examples of the Centre stay are cited in its own document.
    let text = try ProtocolFolder.text("sync-v1.md") + ProtocolFolder.text("stay-v1.md")
    let regex = try NSRegularExpression(pattern: #"\[([a-z0-9]+(?:-[a-z0-9]+)*)\]"#)
    let range = NSRange(text.startIndex..., in: text)
    let referenced = Set(
        regex.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
    let files = Set(try ProtocolFolder.exampleNames())
    #expect(referenced.subtracting(files).sorted() == [], "cited in sync-v1.md or stay-v1.md but no file")
    #expect(files.subtracting(referenced).sorted() == [], "file never cited in sync-v1.md or stay-v1.md")
}

@Test func exampleIINs_passTheCheckDigit_exceptTheOneImportRowThatShowsTheError() throws {
    var iins: [String] = []
    for name in try ProtocolFolder.exampleNames() {
        let text = try String(
            contentsOf: ProtocolFolder.examples.appendingPathComponent(name + ".json"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: #""(?:member_)?iin": "([0-9]{12})""#)
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            iins.append(String(text[Range(match.range(at: 1), in: text)!]))
        }
    }
    #expect(iins.count > 5)
    let invalid = Set(iins.filter { !checkDigitIsValid($0) })
    #expect(invalid == ["040921690018"])
}

/// The official IIN check digit: weights 1...11 mod 11; if 10, weights 3...11, 1, 2; 10 again is invalid.
private func checkDigitIsValid(_ iin: String) -> Bool {
    let d = iin.compactMap(\.wholeNumberValue)
    guard d.count == 12 else { return false }
    var sum = (0..<11).reduce(0) { $0 + d[$1] * ($1 + 1) } % 11
    if sum == 10 {
        let weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        sum = (0..<11).reduce(0) { $0 + d[$1] * weights[$1] } % 11
        if sum == 10 { return false }
    }
    return sum == d[11]
}
