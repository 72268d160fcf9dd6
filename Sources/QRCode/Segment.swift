/// The payload of a QR code in one encoding mode, ready to be written to the data bit stream.
///
/// ISO/IEC 18004:2015 §7.4. The whole payload goes in a single segment: alphanumeric when every
/// character is in that mode's 45-character set (11 bits per two characters instead of 16), byte
/// mode with the UTF-8 bytes otherwise. Mixed segments would save a few bits on mixed payloads but
/// enrollment codes do not need them.
struct Segment: Equatable {
    /// The encoding modes this encoder uses (§7.4.1, Table 2).
    enum Mode: Equatable {
        case alphanumeric
        case byte

        /// The four-bit mode indicator.
        var indicator: Int {
            switch self {
            case .alphanumeric: 0b0010
            case .byte: 0b0100
            }
        }

        /// Width of the character count indicator, which grows with the version (Table 3).
        func countBits(version: Int) -> Int {
            switch (self, version) {
            case (.alphanumeric, ...9): 9
            case (.alphanumeric, 10...26): 11
            case (.alphanumeric, _): 13
            case (.byte, ...9): 8
            case (.byte, _): 16
            }
        }
    }

    /// The 45 characters of alphanumeric mode; a character's value is its index (§7.4.5, Table 5).
    static let alphanumericCharset = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// The mode the payload is written in.
    let mode: Mode
    /// Characters (alphanumeric) or bytes (byte mode) counted by the character count indicator.
    let count: Int
    /// The payload bits, without mode indicator or count.
    let payload: BitBuffer

    /// Chooses the most compact single mode for `text` and encodes it.
    init(_ text: String) {
        let bytes = Array(text.utf8)
        let values = bytes.compactMap { byte in Self.alphanumericCharset.firstIndex(of: byte) }
        var payload = BitBuffer()
        if values.count == bytes.count {
            // §7.4.5: pairs as 45 * first + second in 11 bits, an odd last character in 6 bits.
            var index = 0
            while index + 1 < values.count {
                payload.append(values[index] * 45 + values[index + 1], width: 11)
                index += 2
            }
            if index < values.count {
                payload.append(values[index], width: 6)
            }
            self.mode = .alphanumeric
        } else {
            for byte in bytes {
                payload.append(Int(byte), width: 8)
            }
            self.mode = .byte
        }
        self.count = bytes.count
        self.payload = payload
    }

    /// Bits the segment takes in a symbol of this version, or nil when its count overflows the indicator.
    func bitLength(version: Int) -> Int? {
        let countBits = mode.countBits(version: version)
        guard count < 1 << countBits else { return nil }
        return 4 + countBits + payload.count
    }

    /// Appends mode indicator, character count and payload to `buffer`.
    func write(to buffer: inout BitBuffer, version: Int) {
        buffer.append(mode.indicator, width: 4)
        buffer.append(count, width: mode.countBits(version: version))
        buffer.append(contentsOf: payload)
    }
}
