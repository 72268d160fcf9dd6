import Testing

@testable import KandasUploads

struct PartPlanTests {
    static let mib: Int64 = 1 << 20

    @Test func smallChunks_accumulateInTheTail_untilAPartIsFull() {
        let length = 20 * Self.mib
        let chunk: Int64 = 64 << 10
        var partsEnd: Int64 = 0
        var partCount = 0
        var offset: Int64 = 0
        var flushes: [Int64] = []
        while offset < length {
            let end = min(length, offset + chunk)
            let plan = PartPlan(partsEnd: partsEnd, partCount: partCount, end: end, length: length)
            if plan.parts.isEmpty {
                #expect(plan.tail == partsEnd..<end)
                #expect(end - partsEnd < 5 * Self.mib)
            } else {
                #expect(plan.parts.count == 1)
                #expect(plan.parts[0].number == partCount + 1)
                #expect(plan.parts[0].range == partsEnd..<end)
                #expect(plan.tail.isEmpty)
                flushes.append(end - partsEnd)
                partsEnd = end
                partCount += 1
            }
            offset = end
        }
        // Every part but the last is exactly 5 MiB here (64 KiB divides it); the last one holds the rest.
        #expect(flushes == [5 * Self.mib, 5 * Self.mib, 5 * Self.mib, 5 * Self.mib])
        #expect(partsEnd == length)
    }

    @Test func theLastChunk_sendsEverythingLeft_evenBelowTheMinimum() {
        let plan = PartPlan(partsEnd: 5 * Self.mib, partCount: 1, end: 6 * Self.mib, length: 6 * Self.mib)
        #expect(plan.completes && !plan.whole)
        #expect(plan.parts == [.init(number: 2, range: 5 * Self.mib..<6 * Self.mib)])
    }

    @Test func anUploadThatNeverFilledAPart_isOnePlainPut() {
        let plan = PartPlan(partsEnd: 0, partCount: 0, end: 3 * Self.mib, length: 3 * Self.mib)
        #expect(plan.completes && plan.whole && plan.parts.isEmpty)
        let empty = PartPlan(partsEnd: 0, partCount: 0, end: 0, length: 0)
        #expect(empty.completes && empty.whole)
    }

    @Test func aBigChunk_goesAsOnePart() {
        let plan = PartPlan(partsEnd: 0, partCount: 0, end: 64 * Self.mib, length: 1 << 30)
        #expect(plan.parts == [.init(number: 1, range: 0..<64 * Self.mib)])
        #expect(!plan.completes && plan.tail.isEmpty)
    }

    @Test func partsAreNeverSmallerThanTenThousandthOfTheLength() {
        let length: Int64 = 100 << 30  // 100 GiB: 5 MiB parts would need 20,480 of them
        #expect(PartPlan.partSize(length: length) * PartPlan.maximumPartCount >= length)
        let below = PartPlan(partsEnd: 0, partCount: 0, end: 6 * Self.mib, length: length)
        #expect(below.parts.isEmpty)  // 6 MiB is a valid S3 part, but too small for this length
        // The worst case, a part as small as allowed each time, stays within 10,000 parts.
        let size = PartPlan.partSize(length: length)
        #expect((length + size - 1) / size <= PartPlan.maximumPartCount)
    }

    @Test func morePendingThanTheLargestPart_isSplitIntoEqualParts() {
        let pending = PartPlan.maximumPartSize + 1
        let plan = PartPlan(partsEnd: 0, partCount: 3, end: pending, length: pending + 10)
        #expect(plan.parts.map(\.number) == [4, 5])
        #expect(plan.parts.allSatisfy { $0.range.count <= PartPlan.maximumPartSize })
        #expect(plan.parts.first!.range.lowerBound == 0 && plan.parts.last!.range.upperBound == pending)
    }
}
