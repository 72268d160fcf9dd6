extension KandasClient {
    /// The next upload request for the app to run itself (an iOS background upload task), or `nil` when no
    /// file waits for upload (or the network policy holds back every waiting file).
    ///
    /// Only files of events the server accepted are uploaded, so `sync()` first. Loop: run the step's
    /// request, hand its answer to `finishUploadStep(_:response:)`, ask for the next step. When it returns
    /// `nil`, `sync()` pulls the receipts that verify the files. Back off when the same step keeps failing.
    /// - Throws: `notEnrolled`, `reEnrollRequired`, `fileMissing` (the local copy is gone), `storage`.
    public func nextUploadStep() async throws(ClientError) -> UploadStep? {
        try await engine.nextUploadStep()
    }

    /// Records the server's answer to a step from `nextUploadStep()` (an expired token is refreshed here).
    ///
    /// - Throws: `reEnrollRequired` (device or tokens revoked), `network` (a refresh failed), `storage`.
    public func finishUploadStep(_ step: UploadStep, response: TransportResponse) async throws(ClientError) {
        try await engine.finishUploadStep(step, response: response)
    }
}
