@testable import ArgusData
import ArgusCore
import Foundation
import Testing

@Suite struct JSONTests {
    @Test func tapeValues() throws {
        let bytes = PaddedBytes(string: #"{"a": 1, "b": [1.5, "x", true, null, -3], "c": {"d": "400px"}, "a": 2, "big": 18446744073709551615}"#)
        let result = JSONDocument().parse(bytes) { root -> Bool in
            #expect(root.kind == .object)
            #expect(root["a"]?.int == 1) // the first of repeated keys
            #expect(root["b"]?.count == 5)
            let items = Array(root["b"]!.elements)
            #expect(items[0].double == 1.5 && items[0].int == nil)
            #expect(items[1].string == "x" && items[2].bool == true && items[3].isNull && items[4].int == -3)
            #expect(root["c"]?["d"]?.lenientInt == 400)
            #expect(root["missing"] == nil)
            #expect(root["big"]?.double == 18446744073709551615.0)
            #expect(root.members.map(\.key) == ["a", "b", "c", "a", "big"])
            return true
        }
        #expect(try result.get())
    }

    @Test func chunkedArrayParsingSeesEveryElement() throws {
        var text = "[\n"
        for i in 0..<5000 { text += #"  {"image_id": \#(i), "name": "a,]}\"[{", "v": [\#(i), \#(i + 1)]}\#(i < 4999 ? "," : "")"# + "\n" }
        text += "]\n"
        let bytes = PaddedBytes(string: text)
        for chunk in [64, 1000, 1 << 22] {
            var seen: [Int] = []
            try JSONArrayChunks(bytes: bytes, chunkBytes: chunk).forEachElement { element, index in
                #expect(element["image_id"]?.int == index)
                #expect(element["name"]?.string == "a,]}\"[{")
                seen.append(index)
            }
            #expect(seen == Array(0..<5000), "chunk \(chunk)")
        }
        #expect(throws: (any Error).self) { try JSONArrayChunks(bytes: PaddedBytes(string: "[1, 2"), chunkBytes: 1).forEachElement { _, _ in } }
        #expect(throws: (any Error).self) { try JSONArrayChunks(bytes: PaddedBytes(string: "[1, {]"), chunkBytes: 1).forEachElement { _, _ in } }
    }

    @Test func cocoResultsListAndAnnotationsAgree() throws {
        let base = Fixtures.peers + "/review_object_detection_metrics/tests/test_coco_eval"
        let (list, listDiagnostics) = try COCOReader.readResults(base + "/cocoapi_results.json")
        let (inside, insideDiagnostics) = try COCOReader.readResults(base + "/dets/sampled_bbox_results.json")
        #expect(!listDiagnostics.hasErrors && !insideDiagnostics.hasErrors)
        #expect(list.count == 734)
        #expect(list.imageIDs == inside.imageIDs && list.categoryIDs == inside.categoryIDs)
        #expect(list.boxes == inside.boxes)
        #expect(list.scores == inside.scores)
    }

    @Test func locatorFindsLines() {
        let text = "{\n \"a\": [\n  1,\n  {\"b\": 2}\n ],\n \"c\": 3\n}"
        let bytes = PaddedBytes(string: text)
        #expect(JSONLocator.line(of: [.key("a"), .index(1)], in: bytes.bytes) == 4)
        #expect(JSONLocator.line(of: [.key("c")], in: bytes.bytes) == 6)
        #expect(JSONLocator.line(of: [.key("zz")], in: bytes.bytes) == nil)
    }

    @Test func writerRoundTripsNumbersAndEscapes() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("x", 0.1 + 0.2)
        writer.field("s", "quote \" back \\ nl \n tab \t \u{1}")
        writer.key("n"); writer.number(Double.nan)
        writer.endObject()
        let bytes = PaddedBytes(writer.bytes)
        _ = JSONDocument().parse(bytes) { root in
            #expect(root["x"]?.double == 0.1 + 0.2)
            #expect(root["s"]?.string == "quote \" back \\ nl \n tab \t \u{1}")
            #expect(root["n"]?.isNull == true)
        }
    }
}
