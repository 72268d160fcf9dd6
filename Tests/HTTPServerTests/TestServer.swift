import Foundation
import Glibc
import KandasTestSupport
import Log

@testable import HTTPServer

/// A live server on 127.0.0.1 port 0 for one test, stopped by `stop()`.
final class TestServer: Sendable {
    let server: HTTPServer
    let port: Int

    init(
        router: Router, hooks: HTTPServerHooks = HTTPServerHooks(),
        configure: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) throws {
        var config = HTTPServer.Configuration(listen: [HTTPServer.ListenAddress(host: "127.0.0.1", port: 0)])
        config.handlerThreads = 4
        configure(&config)
        server = HTTPServer(configuration: config, router: router, hooks: hooks, logger: .disabled)
        try server.start()
        port = server.boundPort!
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() async { await server.shutdown() }
}

/// Runs a command (KandasTestSupport's `ProcessRunner`) and returns its exit status and standard output.
@discardableResult
func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, output: String) {
    let outcome = try ProcessRunner.run(arguments[0], Array(arguments.dropFirst()), input: stdin.map { [UInt8]($0) })
    return (outcome.status, outcome.output)
}
