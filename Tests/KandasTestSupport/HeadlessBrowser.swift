import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real headless Chromium driven over the DevTools protocol (one page, one WebSocket).
///
/// Starts `chromium` (or `KANDAS_CHROMIUM`) with `--remote-debugging-port=0` and a temporary
/// profile, reads the port and browser path from `DevToolsActivePort`, attaches to the first page, and
/// offers the few commands the console tests need: navigate, evaluate JavaScript, wait for a
/// condition, screenshot. `close()` (or deinit) kills the browser and removes the profile.
public final class HeadlessBrowser: @unchecked Sendable {
    // @unchecked: owned by one test; `nextID` and the socket are used from that test's thread only.
    private let process: ChildProcess
    private let profile: String
    private let socket: WebSocketClient
    private var nextID = 0
    /// The page's flat session: commands carry it once attached.
    private var session: String?
    private var closed = false

    /// The binary to run: `KANDAS_CHROMIUM`, else the first of chromium / chromium-browser on PATH.
    public static var binary: String? {
        if let env = ProcessInfo.processInfo.environment["KANDAS_CHROMIUM"] { return env }
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
    }

    public init(width: Int = 1366, height: Int = 900) throws {
        guard let binary = Self.binary else {
            throw TestSupportError("chromium not found: apt-get install -y chromium (or set KANDAS_CHROMIUM)")
        }
        profile =
            FileManager.default.temporaryDirectory.appendingPathComponent(
                "kandas-chromium-" + UUID().uuidString.lowercased()
            ).path
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        process = try ProcessRunner.spawn(
            binary,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--mute-audio", "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1", "--user-data-dir=" + profile,
                "--autoplay-policy=no-user-gesture-required", "--window-size=\(width),\(height)", "about:blank",
            ])
        let portFile = profile + "/DevToolsActivePort"
        var port = 0
        var browserPath = ""
        for _ in 0..<300 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8) {
                let lines = text.split(separator: "\n")
                if lines.count >= 2, let p = Int(lines[0]) {
                    port = p
                    browserPath = String(lines[1])
                    break
                }
            }
            usleep(100_000)
        }
        guard port > 0 else {
            process.kill()
            throw TestSupportError("chromium did not publish its DevTools port")
        }
        // The browser endpoint, then a flat session on the first page (no HTTP /json calls: the
        // DevTools HTTP server keeps connections open).
        socket = try WebSocketClient(port: port, path: browserPath)
        var pageID: String?
        for _ in 0..<100 {
            let targets = try call("Target.getTargets")["targetInfos"] as? [[String: Any]] ?? []
            pageID = targets.first { $0["type"] as? String == "page" }?["targetId"] as? String
            if pageID != nil { break }
            usleep(100_000)
        }
        guard let pageID else {
            process.kill()
            throw TestSupportError("chromium has no page target")
        }
        session = try call("Target.attachToTarget", ["targetId": pageID, "flatten": true])["sessionId"] as? String
        _ = try call("Page.enable")
        _ = try call("Runtime.enable")
    }

    deinit { close() }

    /// Kills the browser and removes its profile.
    public func close() {
        guard !closed else { return }
        closed = true
        process.kill()
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// Sends one DevTools command and returns its `result` (events received meanwhile are skipped).
    @discardableResult
    public func call(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var envelope: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { envelope["sessionId"] = session }
        let message = try JSONSerialization.data(withJSONObject: envelope)
        try socket.send(String(decoding: message, as: UTF8.self))
        while true {
            let text = try socket.receive()
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                object["id"] as? Int == id
            else { continue }
            if let error = object["error"] { throw TestSupportError("\(method) failed: \(error)") }
            return object["result"] as? [String: Any] ?? [:]
        }
    }

    /// Evaluates JavaScript (awaiting a promise) and returns its JSON value.
    @discardableResult
    public func evaluate(_ expression: String) throws -> Any? {
        let result = try call(
            "Runtime.evaluate", ["expression": expression, "awaitPromise": true, "returnByValue": true])
        if let exception = result["exceptionDetails"] { throw TestSupportError("script failed: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Navigates and waits until the new document has loaded.
    public func navigate(_ url: String) throws {
        _ = try evaluate("window.__kandasOld = true")
        try call("Page.navigate", ["url": url])
        try waitFor("!window.__kandasOld && document.readyState === 'complete'")
    }

    /// Runs `action` (which triggers a navigation, e.g. a form submit) and waits for the next document.
    public func submitting(_ action: String) throws {
        _ = try evaluate("window.__kandasOld = true")
        _ = try evaluate(action)
        try waitFor("!window.__kandasOld && document.readyState === 'complete'")
    }

    /// Polls `condition` (JavaScript) until it is true, up to `seconds`.
    public func waitFor(_ condition: String, seconds: Double = 30) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? evaluate("!!(\(condition))")) as? Bool == true { return }
            usleep(50_000)
        }
        throw TestSupportError("timed out waiting for: \(condition)")
    }

    /// Saves a PNG screenshot of the whole page and returns its bytes.
    @discardableResult
    public func screenshot(to path: String) throws -> [UInt8] {
        let result = try call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
        guard let b64 = result["data"] as? String, let data = Data(base64Encoded: b64) else {
            throw TestSupportError("no screenshot data")
        }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
        return [UInt8](data)
    }
}
