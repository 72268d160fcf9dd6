import ObjectStore
import Testing

@Suite struct S3QueryTests {
    @Test func parameters_areSortedByNameThenValue() {
        #expect(S3Query.canonical([("uploadId", "x"), ("partNumber", "2")]) == "partNumber=2&uploadId=x")
        #expect(S3Query.canonical([("b", "2"), ("a", "9"), ("a", "1")]) == "a=1&a=9&b=2")
    }

    @Test func aValuelessName_keepsItsEqualsSign() {
        #expect(S3Query.canonical([("uploads", "")]) == "uploads=")
        #expect(S3Query.canonical([("uploads", ""), ("prefix", "p/")]) == "prefix=p%2F&uploads=")
    }

    @Test func namesAndValues_arePercentEncodedPerRFC3986() {
        #expect(S3Query.encode("a b+c/d~e_f.g-h*") == "a%20b%2Bc%2Fd~e_f.g-h%2A")
        #expect(S3Query.encode("ä") == "%C3%A4")
        #expect(S3Query.canonical([("continuation-token", "1/a=b")]) == "continuation-token=1%2Fa%3Db")
    }

    @Test func objectPaths_keepSlashesAndEncodeEachSegment() {
        #expect(S3Query.path(forKey: "blobs/ab/cd/ef 01") == "/blobs/ab/cd/ef%2001")
    }
}
