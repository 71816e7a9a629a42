import ArgusCore
import ArgusData
import ArgusIO
import ArgusMasks
import Foundation

/// One fuzzing target: bytes in, a reader run on them; any outcome but a crash, a hang or a
/// runaway allocation is fine (an error is the expected answer to most inputs).
enum Target: String, CaseIterable {
    case json, jsonl, coco
    case cocoResults = "coco-results"
    case voc, yolo, mltable, rle

    /// Writes the input where the reader expects it and reads it.
    func run(_ data: Data, in folder: String) {
        switch self {
        case .json:
            let bytes = PaddedBytes([UInt8](data))
            _ = JSONDocument().parse(bytes) { root in root.plain }
        case .jsonl:
            read(data, name: "data.jsonl", format: .jsonl, in: folder)
        case .coco:
            read(data, name: "instances.json", format: .coco, in: folder)
        case .cocoResults:
            let path = folder + "/results.json"
            _ = FileManager.default.createFile(atPath: path, contents: data)
            _ = try? COCOReader.readResults(path)
        case .voc:
            let voc = folder + "/voc"
            try? FileManager.default.createDirectory(atPath: voc, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: voc + "/a.xml", contents: data)
            _ = try? DatasetReader.read(voc, format: .voc)
        case .yolo:
            let yolo = folder + "/yolo"
            try? FileManager.default.createDirectory(atPath: yolo, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: yolo + "/obj.names", contents: Data("cat\ndog\n".utf8))
            FileManager.default.createFile(atPath: yolo + "/a.txt", contents: data)
            _ = try? DatasetReader.read(yolo, format: .yolo)
        case .mltable:
            let table = folder + "/table"
            try? FileManager.default.createDirectory(atPath: table, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: table + "/MLTable", contents: data)
            FileManager.default.createFile(
                atPath: table + "/a.jsonl", contents: Data(#"{"image_url": "a.jpg", "label": "cat"}"#.utf8))
            _ = try? DatasetReader.read(table, format: .mltable)
        case .rle:
            let text = String(decoding: data, as: UTF8.self)
            // The walk that checks a string as it is read agrees with decoding it.
            let walked = RLECodec.footprint(text, height: 3, width: 2)
            let runs = RLECodec.decode(text)
            precondition((walked == nil) == (runs == nil))
            if let runs {
                let total = runs.reduce(0) { $0 + Int($1) }
                precondition(walked?.pixels == total)
                if total > 0 && total < 1 << 20 {
                    _ = RunLengthMask(height: 1, width: total, counts: runs).area
                }
            }
        }
    }

    private func read(_ data: Data, name: String, format: DataFormat, in folder: String) {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: data)
        _ = try? DatasetReader.read(path, format: format)
    }
}

let target: Target = {
    let name = ProcessInfo.processInfo.environment["ARGUS_FUZZ_TARGET"] ?? "json"
    guard let target = Target(rawValue: name) else {
        FileHandle.standardError.write(
            Data("ARGUS_FUZZ_TARGET must be one of \(Target.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

let scratch: String = {
    let path = NSTemporaryDirectory() + "argus-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

/// One input: run the chosen reader on it.
func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    target.run(data, in: scratch)
    return 0
}

/// libFuzzer's entry for one input (its own `main` calls it when it is the one linked).
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> Int32 { fuzz(start, count) }
