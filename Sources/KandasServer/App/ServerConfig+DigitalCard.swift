import Foundation

/// The digital-card receiver (Rules 2, para 37; services.md §7): where complete, approved
/// completions are forwarded, and the HMAC secret that signs them.
public struct DigitalCardSettings: Sendable, Equatable, CustomStringConvertible {
    /// The receiver's URL: `https://…`, or `http://` to a loopback address (a local relay, tests).
    public var url: String
    /// The HMAC-SHA256 key; from `KANDAS_CARD_SECRET` or the file named by
    /// `KANDAS_CARD_SECRET_FILE`, never a flag, never logged (``description`` leaves it out).
    public var secret: [UInt8]

    public var description: String { "DigitalCardSettings(url: \(url), secret: <redacted>)" }

    /// The shortest accepted secret: 32 bytes, the HMAC-SHA256 block-size half NIST SP 800-107 asks for.
    static let minimumSecretBytes = 32

    /// Whether `text` is a receiver URL the server sends to.
    static func acceptable(url text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            url.user == nil, url.password == nil
        else { return false }
        if scheme == "https" { return true }
        return scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
    }

    /// The secret from the environment: the variable itself, or the first line of the named file.
    ///
    /// - Throws: ``CommandError`` (exit 64) for a missing, unreadable or short secret.
    static func secret(environment: [String: String]) throws(CommandError) -> [UInt8] {
        var text = environment["KANDAS_CARD_SECRET"]
        if text == nil, let path = environment["KANDAS_CARD_SECRET_FILE"] {
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandError.usage("KANDAS_CARD_SECRET_FILE: cannot read \(path)")
            }
            text = contents.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
        guard let text else {
            throw CommandError.usage(
                "--card-url needs a signing secret: set KANDAS_CARD_SECRET or KANDAS_CARD_SECRET_FILE")
        }
        guard text.utf8.count >= minimumSecretBytes else {
            throw CommandError.usage("the digital-card secret must have at least \(minimumSecretBytes) bytes")
        }
        return Array(text.utf8)
    }
}

extension ServerConfig {
    /// The forwarding settings, part of ``settings`` (kept here so parallel work on the list merges cleanly).
    static let cardSettings: [Setting] = [
        Setting(
            flag: "--card-url", env: "KANDAS_CARD_URL",
            help: "digital-card receiver https://… (secret: KANDAS_CARD_SECRET or KANDAS_CARD_SECRET_FILE)"
        ) { c, v in
            c.cardURL = v
            return DigitalCardSettings.acceptable(url: v)
        },
        integer(
            "--card-retry-base-ms", "KANDAS_CARD_RETRY_BASE_MS",
            "first digital-card retry delay in ms, doubled per attempt up to 1 h (10-3600000, default 30000)",
            10...3_600_000, \.cardRetryBaseMilliseconds),
        integer(
            "--card-max-attempts", "KANDAS_CARD_MAX_ATTEMPTS",
            "digital-card attempts before a delivery is dead (1-100, default 12)", 1...100, \.cardMaxAttempts),
        integer(
            "--card-poll-ms", "KANDAS_CARD_POLL_MS",
            "how often the forwarding queue is checked, ms (10-60000, default 2000)",
            10...60_000, \.cardPollMilliseconds),
    ]

    /// Reads the secret when a receiver is configured (called at the end of ``parse``).
    static func applyCardSecret(_ environment: [String: String], into config: inout ServerConfig) throws(CommandError) {
        guard let url = config.cardURL else { return }
        config.digitalCard = DigitalCardSettings(
            url: url, secret: try DigitalCardSettings.secret(environment: environment))
    }
}
