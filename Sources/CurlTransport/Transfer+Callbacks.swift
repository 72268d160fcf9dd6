import CurlKit

/// The C entry points libcurl calls on the driver thread. Each gets the `Transfer` back from the
/// userdata pointer, passed unretained: the driver keeps the transfer alive while its handle exists.
extension Transfer {
    static let writeCallback: CurlDataCallback = { data, size, count, me in
        let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
        return Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue().received(bytes)
    }

    static let headerCallback: CurlDataCallback = { data, size, count, me in
        let line = UnsafeRawBufferPointer(start: data, count: size * count)
        return Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue().receivedHeader(line)
    }

    static let readCallback: CurlDataCallback = { data, size, count, me in
        let buffer = UnsafeMutableRawBufferPointer(start: data, count: size * count)
        return Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue().fill(buffer)
    }

    static let xferInfoCallback: CurlXferInfoCallback = { me, _, downloaded, _, uploaded in
        Unmanaged<Transfer>.fromOpaque(me!).takeUnretainedValue()
            .progressed(sent: Int64(uploaded), received: Int64(downloaded))
    }
}
