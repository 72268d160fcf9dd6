import HTTPServer

/// The console's export links: the list's filters, streamed by ``CompletionExport``.
enum ConsoleExports {
    static func csv(_ ctx: ConsoleContext) throws -> HTTPResponse {
        CompletionExport.csv(ctx.app.database, try CompletionFilter(ctx.query, for: ctx.actor))
    }

    static func geojson(_ ctx: ConsoleContext) throws -> HTTPResponse {
        CompletionExport.geojson(ctx.app.database, try CompletionFilter(ctx.query, for: ctx.actor))
    }
}
