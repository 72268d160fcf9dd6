import Testing

@testable import HTTPServer

@Test func moduleIsLinked() {
    #expect(HTTPServerModule.name == "HTTPServer")
}
