import ArgusCore
import ArgusData
import ArgusIO
import Foundation
import Testing

@testable import ArgusMetrics

/// Generated COCO cases (golden/detection/cases) against pycocotools: every statistic and every
/// per-category AP to 1e-12, for default and non-default parameters.
@Suite struct GoldenCOCOTests {
    static let cases = ["bbox_101", "bbox_102", "bbox_103", "segm_201", "segm_202", "segm_203"]

    static func parameters(_ iouType: String, _ overrides: [String: Any]) -> COCOParameters {
        var parameters = COCOParameters(iouType: iouType == "segm" ? .segm : .bbox)
        if let maxDets = overrides["maxDets"] as? [Int] { parameters.maxDetections = maxDets }
        if let thresholds = overrides["iouThrs"] as? [Double] { parameters.iouThresholds = thresholds }
        if let ranges = overrides["areaRng"] as? [[Double]] {
            let labels = ["all", "small", "medium", "large"]
            parameters.areaRanges = ranges.enumerated().map { COCOParameters.AreaRange(labels[$0], $1[0], $1[1]) }
        }
        if let useCats = overrides["useCats"] as? Int { parameters.useCategories = useCats != 0 }
        return parameters
    }

    @Test(arguments: cases)
    func matchesPycocotools(_ name: String) throws {
        let base = MetricFixtures.root + "/golden/detection/cases/" + name
        let expected = MetricFixtures.json("golden/detection/cases/\(name)_expected.json")
        let iouType = try #require(expected["iou_type"] as? String)
        let variants = try #require(expected["variants"] as? [String: [String: Any]])
        #expect(!variants.isEmpty)
        for (variant, values) in variants.sorted(by: { $0.key < $1.key }) {
            let parameters = Self.parameters(iouType, try #require(values["params"] as? [String: Any]))
            let evaluation = try MetricFixtures.evaluate(
                groundTruth: base + "_gt.json", results: base + "_results.json", parameters: parameters)
            let stats = evaluation.stats
            let reference = try #require(values["stats"] as? [Double])
            for (index, (value, wanted)) in zip(stats, reference).enumerated() {
                #expect(abs(value - wanted) <= 1e-12, "\(name) \(variant) stat \(index): \(value) vs \(wanted)")
            }
            let perCategory = try #require(values["per_category"] as? [String: [String: Any]])
            let ours = Dictionary(uniqueKeysWithValues: evaluation.perCategory().map { ($0.name, ($0.ap, $0.ap50)) })
            #expect(ours.count == perCategory.count, "\(name) \(variant)")
            for (category, wanted) in perCategory {
                let mine = try #require(ours[category])
                for (key, value) in [("AP", mine.0), ("AP50", mine.1)] {
                    if let number = wanted[key] as? Double {
                        #expect(
                            value.map { abs($0 - number) <= 1e-12 } == true,
                            "\(name) \(variant) \(category) \(key): \(String(describing: value)) vs \(number)")
                    } else {
                        #expect(value == nil, "\(name) \(variant) \(category) \(key) should be undefined")
                    }
                }
            }
        }
    }
}
