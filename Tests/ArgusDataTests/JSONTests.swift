import ArgusCore
import ArgusIO
import Foundation
import Testing

@testable import ArgusData

@Suite struct JSONTests {
    @Test func tapeValues() throws {
        let bytes = PaddedBytes(
            string:
                #"{"a": 1, "b": [1.5, "x", true, null, -3], "c": {"d": "400px"}, "a": 2, "big": 18446744073709551615}"#)
        let result = JSONDocument().parse(bytes) { root -> Bool in
            #expect(root.kind == .object)
            #expect(root["a"]?.int == 1)  // the first of repeated keys
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

    @Test(arguments: [64, 1000, 1 << 22])
    func chunkedArrayParsingSeesEveryElement(chunk: Int) throws {
        // Strings and nested lists hold what the cut guess looks for (`}, {`): such guesses must
        // fail simdjson's check and fall back to the exact scan.
        var text = "  \n[\n"
        for i in 0..<3000 {
            let nested = i % 7 == 0 ? #", "parts": [{"a": 1}, {"b": [2, {"c": "}, {"}]}]"# : ""
            text +=
                #"  {"image_id": \#(i), "name": "a,]}\"[{ }, {", "v": [\#(i), \#(i + 1)]\#(nested)}\#(i < 2999 ? "," : "")"#
                + "\n"
        }
        text += "]\n\n"
        let folder = Fixtures.scratch()
        let path = Fixtures.write(text, folder, "list.json")
        for source in [
            JSONArrayChunks(bytes: PaddedBytes(string: text), chunkBytes: chunk),
            JSONArrayChunks(file: path, chunkBytes: chunk),
        ] {
            var reader = source
            reader.readBytes = 100  // elements straddle reads
            var seen: [Int] = []
            try reader.forEachElement { element, index in
                #expect(element["image_id"]?.int == index)
                #expect(element["name"]?.string == "a,]}\"[{ }, {")
                seen.append(index)
            }
            #expect(seen == Array(0..<3000), "chunk \(chunk)")
        }
    }

    @Test func chunkedArrayParsingRejectsBadInput() {
        for (text, why) in [
            ("[1, 2", "unterminated"), ("[1, {]", "unbalanced"), ("[1] x", "trailing content"),
            ("{\"a\": 1}", "not a list"), ("", "empty"), ("[{\"a\": }, {\"b\": 2}]", "bad value"),
        ] {
            var seen = 0
            #expect(throws: (any Error).self, "\(why)") {
                try JSONArrayChunks(bytes: PaddedBytes(string: text), chunkBytes: 1).forEachElement { _, _ in seen += 1
                }
            }
        }
        var count = 0
        #expect(throws: Never.self) {
            try JSONArrayChunks(bytes: PaddedBytes(string: " [ ] "), chunkBytes: 1).forEachElement { _, _ in count += 1
            }
        }
        #expect(count == 0)
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
        writer.key("n")
        writer.number(Double.nan)
        writer.endObject()
        let bytes = PaddedBytes(writer.bytes)
        _ = JSONDocument().parse(bytes) { root in
            #expect(root["x"]?.double == 0.1 + 0.2)
            #expect(root["s"]?.string == "quote \" back \\ nl \n tab \t \u{1}")
            #expect(root["n"]?.isNull == true)
        }
    }
}

@Suite struct LineStreamTests {
    @Test(arguments: [1, 7, 64, 1 << 20])
    func linesStraddlingBlocks(block: Int) throws {
        let folder = Fixtures.scratch()
        let lines = (0..<500).map { "line \($0) " + String(repeating: "x", count: $0 % 37) }
        let path = Fixtures.write(lines.joined(separator: "\r\n") + "\nlast-without-newline", folder, "lines.txt")
        var stream = LineStream(path: path)
        stream.blockBytes = block
        var seen: [String] = []
        var numbers: [Int] = []
        try stream.forEachLine { line, number in
            seen.append(String(decoding: line, as: UTF8.self))
            numbers.append(number)
        }
        #expect(seen == lines + ["last-without-newline"])
        #expect(numbers == Array(1...501))
    }
}

extension LineStreamTests {
    @Test func aLineLongerThanTheLimitIsAnErrorNamingIt() throws {
        let folder = Fixtures.scratch()
        let path = Fixtures.write("short\n" + String(repeating: "x", count: 5000) + "\nafter\n", folder, "long.txt")
        var stream = LineStream(path: path)
        stream.blockBytes = 256
        stream.maxLineBytes = 1024
        var seen: [String] = []
        #expect {
            try stream.forEachLine { line, _ in seen.append(String(decoding: line, as: UTF8.self)) }
        } throws: { error in
            "\(error)".contains(path + ":2:") && "\(error)".contains("longer than")
        }
        #expect(seen == ["short"])
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstLine() throws {
        let folder = Fixtures.scratch()
        let path = Fixtures.write("\u{FEFF}first\nsecond", folder, "bom.txt")
        var seen: [String] = []
        try LineStream(path: path).forEachLine { line, _ in seen.append(String(decoding: line, as: UTF8.self)) }
        #expect(seen == ["first", "second"])
        let whole = try PaddedBytes(contentsOfFile: Fixtures.write("\u{FEFF}{}", folder, "bom.json"))
        #expect(whole.string == "{}")
    }
}
