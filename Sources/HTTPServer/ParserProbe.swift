/// Drives the request parser over one byte stream the way a connection does, for fuzzing from
/// outside the module (`kandas-bench fuzz`): the bytes arrive in the given pieces, unconsumed
/// bytes are kept and fed again, each finished message starts the next, and the end of input is
/// reported. It checks the parser's contract as it goes and stops the process on a violation,
/// which a fuzz run counts as a crash: a step never consumes more than it was given, a body
/// range lies inside the input, only the statuses the engine documents are thrown, and a
/// stalled parser (no progress with unread input) is bounded by the head limits.
public enum ParserProbe {
    /// What one stream produced.
    public struct Outcome: Sendable, Equatable {
        /// Messages parsed to their end.
        public var messages = 0
        /// Body bytes reported.
        public var bodyBytes = 0
        /// The status of the error that stopped the stream, if any (400, 413, 414, 431, 501, 505).
        public var errorStatus: Int?
    }

    static let statuses: Set<Int> = Set(HTTPError.wireCodes.values)

    /// Parses `input` delivered in pieces ending at `cuts` (offsets into `input`, any order).
    public static func run(_ input: [UInt8], cuts: [Int] = []) -> Outcome {
        var outcome = Outcome()
        var parser = RequestParser()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(input.count)
        var start = 0
        let ends = (cuts.filter { $0 > 0 && $0 < input.count } + [input.count]).sorted()
        for end in ends where end > start {
            buffer.append(contentsOf: input[start..<end])
            start = end
            while true {
                let result = buffer.withUnsafeBytes { raw in
                    Result { () throws(HTTPError) in try parser.feed(raw) }
                }
                let step: RequestParser.Step
                switch result {
                case .success(let s): step = s
                case .failure(let error):
                    precondition(statuses.contains(error.status.code), "undocumented status \(error.status.code)")
                    outcome.errorStatus = error.status.code
                    return outcome
                }
                precondition(step.consumed >= 0 && step.consumed <= buffer.count, "consumed beyond the input")
                switch step.event {
                case .body(let range)?:
                    precondition(range.lowerBound >= 0 && range.upperBound <= step.consumed, "body outside the input")
                    outcome.bodyBytes += range.count
                case .end?:
                    outcome.messages += 1
                    parser.reset()
                case .head?, nil:
                    break
                }
                buffer.removeFirst(step.consumed)
                if step.event == nil && step.consumed == 0 { break }
            }
            // A parser waiting for more must not hold more than a head's worth of unparsed bytes
            // (bodies are consumed as they arrive).
            precondition(buffer.count <= parser.limits.maxHeaderBytes + parser.limits.maxChunkLineBytes + 2)
        }
        do {
            try parser.endOfInput()
        } catch {
            outcome.errorStatus = error.status.code
        }
        return outcome
    }
}
