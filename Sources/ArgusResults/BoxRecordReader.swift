import ArgusIO
import ArgusMetrics
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
        var tideError: TIDEBreakdown.ErrorType??
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
                image: image, label: label, box: box, shape: nil, detection: nil, groundTruthID: truthID,
                tideError: fields.tideError ?? nil)
        }
        guard let score = fields.score, let outcome = fields.outcome, let iou = fields.iou else { return nil }
        let detection = DetectionMatchRecord.Detection(
            score: score, outcome: outcome, iou: iou, groundTruthBox: fields.truthBox,
            groundTruthShape: nil)
        return DetectionMatchRecord(
            image: image, label: label, box: box, shape: nil, detection: detection, groundTruthID: truthID,
            tideError: fields.tideError ?? nil)
    }

    private typealias Key = DetectionMatchRecord.Key

    /// Whether `bytes` spell `name` (no string made; the names are literals, stored contiguously).
    @inline(__always) private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        let utf8 = name.utf8
        guard bytes.count == utf8.count, let start = bytes.baseAddress else { return false }
        return utf8.withContiguousStorageIfAvailable { memcmp(start, $0.baseAddress!, bytes.count) == 0 }
            ?? bytes.elementsEqual(utf8)
    }

    /// The first of `cases` whose raw value `bytes` spell.
    @inline(__always) private static func match<T: CaseIterable & RawRepresentable>(
        _ bytes: UnsafeBufferPointer<UInt8>, in _: T.Type
    ) -> T? where T.RawValue == String {
        T.allCases.first { equal(bytes, $0.rawValue) }
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
        func box(_ slot: inout (Double, Double, Double, Double)?) -> Bool {
            guard slot == nil else { return false }
            slot = value.fourNumbers
            return slot != nil
        }
        switch match(key, in: Key.self) {
        case nil: return true
        case .iou: return number(&fields.iou)
        case .score: return number(&fields.score)
        case .image: return text(&fields.image)
        case .label: return text(&fields.label)
        case .bbox: return box(&fields.box)
        case .groundTruthBox: return box(&fields.truthBox)
        case .segmentation, .groundTruthSegmentation: return value.isNull
        case .kind:
            guard fields.isMissed == nil, let kind = value.stringBytes else { return false }
            fields.isMissed = match(kind, in: DetectionMatchRecord.Kind.self).map { $0 == .missed }
            return fields.isMissed != nil
        case .outcome:
            guard fields.outcome == nil, let text = value.stringBytes else { return false }
            fields.outcome = match(text, in: DetectionMatchRecord.Outcome.self)
            return fields.outcome != nil
        case .tideError:
            guard fields.tideError == nil, let text = value.stringBytes else { return false }
            fields.tideError = .some(match(text, in: TIDEBreakdown.ErrorType.self))
            return fields.tideError! != nil
        case .groundTruthID:
            guard fields.truthID == nil else { return false }
            if value.isNull {
                fields.truthID = .some(nil)
                return true
            }
            guard let id = value.int else { return false }
            fields.truthID = id
            return true
        }
    }
}
