import ArgusIO
import Foundation

/// The common match record — boxes only, every key present once with its type — read in one walk
/// over the members, with no key paths kept. Anything else (a mask, a missing, repeated or
/// mistyped key) gives `nil`, and `DetectionMatchRecord.decode` then reads it or names what is wrong.
/// Half a million records are read for a report; this walk is what keeps that as fast as reading
/// the JSON itself.
enum BoxRecordReader {
    private struct Fields {
        var isMissed: Bool?
        var image: String?
        var label: String?
        var box: (Double, Double, Double, Double)?
        var score: Double?
        var outcome: DetectionMatchRecord.Outcome?
        var iou: Double?
        var truthID: Int??
        var truthBox: (Double, Double, Double, Double)?
    }

    static func read(_ row: JSONValue) -> DetectionMatchRecord? {
        guard row.kind == .object else { return nil }
        var fields = Fields()
        for (key, value) in row.rawMembers {
            guard store(key, value, in: &fields) else { return nil }
        }
        guard let isMissed = fields.isMissed, let image = fields.image, let label = fields.label,
            let box = fields.box, let truthID = fields.truthID
        else { return nil }
        if isMissed {
            guard let truthID else { return nil }
            return DetectionMatchRecord(
                image: image, label: label, box: box, shape: nil, detection: nil, groundTruthID: truthID)
        }
        guard let score = fields.score, let outcome = fields.outcome, let iou = fields.iou else { return nil }
        let detection = DetectionMatchRecord.Detection(
            score: score, outcome: outcome, iou: iou, groundTruthBox: fields.truthBox,
            groundTruthShape: nil)
        return DetectionMatchRecord(
            image: image, label: label, box: box, shape: nil, detection: detection, groundTruthID: truthID)
    }

    /// Whether `bytes` spell `name` (no string made).
    @inline(__always) private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount, let start = bytes.baseAddress else { return false }
        return memcmp(start, name.utf8Start, bytes.count) == 0
    }

    /// Stores one member; false for a repeated key, a value of another type, or a mask.
    private static func store(_ key: UnsafeBufferPointer<UInt8>, _ value: JSONValue, in fields: inout Fields) -> Bool {
        func number(_ slot: inout Double?) -> Bool {
            guard slot == nil else { return false }
            slot = value.isNull ? .nan : value.double
            return slot != nil
        }
        func text(_ slot: inout String?) -> Bool {
            guard slot == nil else { return false }
            slot = value.string
            return slot != nil
        }
        switch key.count {
        case 3 where equal(key, "iou"): return number(&fields.iou)
        case 4 where equal(key, "kind"):
            guard fields.isMissed == nil, let kind = value.stringBytes else { return false }
            fields.isMissed =
                equal(kind, "missed") ? true : equal(kind, "detection") ? false : nil
            return fields.isMissed != nil
        case 4 where equal(key, "bbox"):
            guard fields.box == nil else { return false }
            fields.box = value.fourNumbers
            return fields.box != nil
        case 5 where equal(key, "image"): return text(&fields.image)
        case 5 where equal(key, "label"): return text(&fields.label)
        case 5 where equal(key, "score"): return number(&fields.score)
        case 7 where equal(key, "outcome"):
            guard fields.outcome == nil, let text = value.stringBytes else { return false }
            if equal(text, "tp") {
                fields.outcome = .truePositive
            } else if equal(text, "fp") {
                fields.outcome = .falsePositive
            } else if equal(text, "ignored") {
                fields.outcome = .ignored
            }
            return fields.outcome != nil
        case 15 where equal(key, "ground_truth_id"):
            guard fields.truthID == nil else { return false }
            if value.isNull {
                fields.truthID = .some(nil)
                return true
            }
            guard let id = value.int else { return false }
            fields.truthID = id
            return true
        case 17 where equal(key, "ground_truth_bbox"):
            guard fields.truthBox == nil, let box = value.fourNumbers else { return false }
            fields.truthBox = box
            return true
        case 12 where equal(key, "segmentation"),
            25 where equal(key, "ground_truth_segmentation"):
            return value.isNull
        default: return true
        }
    }
}
