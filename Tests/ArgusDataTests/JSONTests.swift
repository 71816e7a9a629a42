import ArgusCore
import ArgusIO
import ArgusMasks
import Dispatch
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

    @Test(arguments: [64, 1000, 1 << 22])
    func concurrentSlicesSeeEveryElementInOrder(chunk: Int) throws {
        let text =
            " [" + (0..<3000).map { #"{"image_id": \#($0), "v": [\#($0), {"w": 1}]}"# }.joined(separator: ",\n")
            + "] \n"
        let folder = Fixtures.scratch()
        for source in [
            JSONArrayChunks(bytes: PaddedBytes(string: text), chunkBytes: chunk),
            JSONArrayChunks(file: Fixtures.write(text, folder, "list.json"), chunkBytes: chunk),
        ] {
            var reader = source
            reader.readBytes = 100  // elements straddle reads
            var seen: [Int] = []
            var slices = 0
            try reader.forEachSliceConcurrently(
                lanes: 3, parse: { root, _ in root.elements.map { $0["image_id"]?.int ?? -1 } },
                merge: { ids, slice in
                    #expect(ids == Array(slice.firstIndex..<(slice.firstIndex + slice.count)))
                    seen += ids
                    slices += 1
                })
            #expect(seen == Array(0..<3000), "chunk \(chunk)")
            #expect(chunk > 1000 || slices > 3, "chunk \(chunk): \(slices) slices")
        }
        // An empty list has no slices with elements.
        var count = 0
        try JSONArrayChunks(bytes: PaddedBytes(string: " [ ] "), chunkBytes: 1).forEachSliceConcurrently(
            lanes: 2, parse: { root, _ in root.count }, merge: { n, _ in count += n })
        #expect(count == 0)
    }

    @Test func concurrentReadsOnEveryWorkerAllFinish() throws {
        // Every Dispatch worker busy reading: each read parses the slices no lane has taken up
        // itself, so none waits on the pool.
        let text = "[" + (0..<2000).map { #"{"i": \#($0)}"# }.joined(separator: ", ") + "]"
        let totals = UnsafeMutableBufferPointer<Int>.allocate(capacity: 16)
        defer { totals.deallocate() }
        let box = UnsafeMutableBufferPointerBox(totals)
        DispatchQueue.concurrentPerform(iterations: 16) { n in
            var total = 0
            try? JSONArrayChunks(bytes: PaddedBytes(string: text), chunkBytes: 64).forEachSliceConcurrently(
                lanes: 4, parse: { root, _ in root.elements.reduce(0) { $0 + ($1["i"]?.int ?? 0) } },
                merge: { part, _ in total += part })
            box.buffer[n] = total
        }
        #expect(Array(totals) == Array(repeating: 1999 * 2000 / 2, count: 16))
    }

    @Test func concurrentSlicesRefuseWhatOnlyTheExactScanCanRead() {
        // A guessed cut inside a string, bad syntax, trailing content, a parse that declines:
        // the caller is told to read the list in order.
        let guessInString = "[" + (0..<50).map { #"{"name": "a }, { b", "i": \#($0)}"# }.joined(separator: ", ") + "]"
        for (text, why) in [
            (guessInString, "a guess inside a string"), ("[1, 2", "unterminated"), ("[1] x", "trailing content"),
            ("{\"a\": 1}", "not a list"), ("", "empty"), ("[{\"a\": }, {\"b\": 2}]", "bad value"),
        ] {
            #expect(throws: JSONArrayChunks.Unsliceable.self, "\(why)") {
                try JSONArrayChunks(bytes: PaddedBytes(string: text), chunkBytes: 4).forEachSliceConcurrently(
                    lanes: 2, parse: { root, _ in root.count }, merge: { _, _ in })
            }
        }
        #expect(throws: JSONArrayChunks.Unsliceable.self) {
            try JSONArrayChunks(bytes: PaddedBytes(string: "[1, 2, 3]"), chunkBytes: 1).forEachSliceConcurrently(
                lanes: 2, parse: { _, _ -> Int? in nil }, merge: { _, _ in })
        }
    }

    @Test func resultsReadInConcurrentSlicesAsInOrder() throws {
        // Boxes, compressed RLE and polygons mixed; read in slices on several cores, the detections,
        // masks, footprints and positions (with only some images kept) come out as the whole
        // document read in order gives them (the same list inside an object's `annotations`).
        let masks = [[3, 5, 12], [0, 20], [19, 1]].map { RLECodec.encode($0) }
        var items: [String] = []
        for i in 0..<1500 {
            let shape =
                i % 3 == 0
                ? #", "segmentation": {"size": [4, 5], "counts": "\#(masks[i % 9 / 3])"}"#
                : i % 3 == 1 ? #", "segmentation": [[1, 1, 3, 1, 3, 3]]"# : ""
            items.append(
                #"{"image_id": \#(i % 37), "category_id": \#(i % 5), "score": 0.\#(i), "bbox": [\#(i), 2, 3, 4]\#(shape)}"#
            )
        }
        let folder = Fixtures.scratch()
        let list = Fixtures.write("[" + items.joined(separator: ",\n") + "]", folder, "results.json")
        let object = Fixtures.write(
            #"{"annotations": ["# + items.joined(separator: ",\n") + "]}", folder, "object.json")
        let size = FileSize.of(list)
        // Passed over by image id where the file was checked before: the same detections.
        let even: @Sendable (Int) -> Bool = { $0 % 2 == 0 }
        let settings: [((@Sendable (Int) -> Bool)?, Bool)] = [(nil, false), (nil, true), (even, false), (even, true)]
        for (keep, checked) in settings {
            let kept = items.indices.filter { keep?($0 % 37) ?? true }
            let sliced = COCOReader.resultsReadConcurrently(
                list, keep: keep, imageIDs: [:], checked: checked, fileSize: size, chunkBytes: 300)
            let (ordered, diagnostics) = try COCOReader.readResults(object, keep: keep)
            #expect(!diagnostics.hasErrors && sliced == ordered)
            #expect(sliced?.count == kept.count)
            #expect(sliced?.positions == (keep == nil ? [] : kept.map(Int32.init)))
            #expect(sliced?.footprints.compactMap { $0 }.count == kept.filter { $0 % 3 == 0 }.count)
            #expect(sliced?.firstResultHasBox == true)
            let (entry, _) = try COCOReader.readResults(list, keep: keep)
            #expect(entry == ordered)
        }
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

    @Test func writerSpellsIntegersAsSwiftDoes() {
        var values = [0, 1, -1, 9, 10, -10, 99, 100, 12345, Int.max, Int.min, Int.min + 1]
        var random = SplitMix64(seed: 3)
        for _ in 0..<2000 { values.append(Int(bitPattern: UInt(random.next() >> random.index(below: 64)))) }
        var writer = JSONWriter()
        writer.integers(values)
        #expect(
            String(decoding: writer.bytes, as: UTF8.self) == "[" + values.map(String.init).joined(separator: ",") + "]")
    }

    @Test func writerEscapesOnlyWhatNeedsIt() {
        let texts = [
            "", "plain", "é ü 猫", "a\"b", "tab\tend", "\u{1f}", "long " + String(repeating: "x", count: 100) + "\\",
        ]
        var writer = JSONWriter()
        writer.strings(texts)
        let expected = [
            "\"\"", "\"plain\"", "\"é ü 猫\"", "\"a\\\"b\"", "\"tab\\tend\"", "\"\\u001f\"",
            "\"long " + String(repeating: "x", count: 100) + "\\\\\"",
        ]
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "[" + expected.joined(separator: ",") + "]")
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
