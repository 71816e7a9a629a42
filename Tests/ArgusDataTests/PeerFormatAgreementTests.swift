import ArgusCore
import ArgusIO
import Testing

@testable import ArgusData

/// The peers' database holds the same 100 images' boxes in several formats and one detector's
/// boxes in four: every reader must see the same boxes.
@Suite struct PeerFormatAgreementTests {
    let gts = Fixtures.database + "/gts"
    let dets = Fixtures.database + "/dets"

    @Test func groundTruthFormatsAgree() throws {
        let coco = PixelBoxes(try read(gts + "/coco_format_v1/instances_default.json"))
        #expect(coco.rows.count == 100)
        #expect(coco.rows.values.map(\.count).reduce(0, +) == 273)
        // VOC's `difficult` objects are crowd regions; the other formats do not carry the flag.
        let others: [(String, LoadedDataset)] = [
            ("coco v2", try read(gts + "/coco_format_v2/instances_v2.json")),
            ("pascal voc", try read(gts + "/pascalvoc_format")),
            ("imagenet voc", try read(gts + "/imagenet_format/Annotations", .voc)),
            ("yolo", try read(gts + "/yolo_format") { $0.imagesFolder = Fixtures.database + "/images" }),
        ]
        for (name, loaded) in others {
            // YOLO keeps 6 decimals of fractions of ~500 px: 0.5e-6 × 500 = 2.5e-4 px.
            let tolerance = name == "yolo" ? 1e-3 : 1e-9
            let difference = PixelBoxes(loaded).difference(from: coco, tolerance: tolerance, compareCrowd: false)
            #expect(difference == nil, "\(name): \(difference ?? "")")
        }
    }

    @Test func detectionFormatsAgree() throws {
        let names = try TextReader.readNames(Fixtures.vocNames)
        let cocoStyle = PixelBoxes(try read(dets + "/coco_format/coco_dets.json"))
        let layouts: [(String, TextLayout)] = [
            ("abs_xywh", TextLayout(boxForm: .xywh, absolute: true)),
            ("abs_xyx2y2", TextLayout(boxForm: .xyxy, absolute: true)),
            ("rel_xywh", TextLayout(boxForm: .cxcywh, absolute: false)),
        ]
        #expect(cocoStyle.rows.values.map(\.count).reduce(0, +) == 452)
        for (folder, layout) in layouts {
            let loaded = try read(dets + "/" + folder, .text) {
                $0.labelNames = names
                $0.textLayout = layout
            }
            let tolerance = layout.absolute ? 1e-9 : 1e-3
            // The text files keep 6 decimals of each score.
            var rounded = cocoStyle
            for key in rounded.rows.keys {
                rounded.rows[key] = rounded.rows[key]!.map {
                    var r = $0
                    r.score = r.score.map { ($0 * 1e6).rounded() / 1e6 }
                    return r
                }
            }
            let difference = PixelBoxes(loaded).difference(from: rounded, tolerance: tolerance)
            #expect(difference == nil, "\(folder): \(difference ?? "")")
        }
    }

    @Test func toyExampleLayoutsAgree() throws {
        let toy = Fixtures.toy
        let names = try TextReader.readNames(toy + "/voc.names")
        let reference = PixelBoxes(try read(toy + "/dets_coco_format/coco_dets.json"))
        let layouts: [(String, TextLayout)] = [
            ("dets_classid_abs_xywh", TextLayout(boxForm: .xywh, absolute: true)),
            ("dets_classid_abs_xyx2y2", TextLayout(boxForm: .xyxy, absolute: true)),
            ("dets_classid_rel_xcycwh", TextLayout(boxForm: .cxcywh, absolute: false)),
            ("dets_classname_abs_xywh", TextLayout(boxForm: .xywh, absolute: true)),
            ("dets_classname_abs_xyx2y2", TextLayout(boxForm: .xyxy, absolute: true)),
            ("dets_classname_rel_xcycwh", TextLayout(boxForm: .cxcywh, absolute: false)),
        ]
        for (folder, layout) in layouts {
            let loaded = try read(toy + "/" + folder, .text) {
                $0.labelNames = names
                $0.textLayout = layout
                $0.imagesFolder = toy + "/images"
            }
            // The toy's relative files were not made from the absolute ones exactly (up to 0.8 px apart).
            let difference = PixelBoxes(loaded).difference(from: reference, tolerance: layout.absolute ? 1e-9 : 1)
            #expect(difference == nil, "\(folder): \(difference ?? "")")
        }
        // Ground truth: VOC XML and COCO JSON.
        let voc = PixelBoxes(try read(toy + "/gts_vocpascal_format"))
        let coco = PixelBoxes(try read(toy + "/gts_coco_format/toy_example_coco.JSON", .coco))
        #expect(voc.difference(from: coco, tolerance: 1e-9, compareCrowd: false) == nil)
    }
}
