import KandasClient

/// How `complete`, `amend`, `void` and `resolve` report the event they recorded.
enum RecordedOutput {
    /// `--json`: the event; `--quiet`: the completion (or event) ID alone; otherwise a sentence, the warnings
    /// and a reminder to sync.
    static func print(_ event: RecordedEvent, context: CommandContext, sentence: () -> String) {
        if context.globals.json {
            context.printJSON(ViewJSON.recorded(event))
            return
        }
        for warning in event.warnings { context.warn(warning.code + ": " + warning.message) }
        if context.globals.quiet {
            context.print((event.completionID ?? event.eventID).description)
        } else {
            context.print(sentence())
            context.info("Saved locally (event #\(event.deviceSeq)); run kandas sync to send it.")
        }
    }
}
