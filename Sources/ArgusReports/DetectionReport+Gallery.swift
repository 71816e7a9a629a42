import ArgusCharts
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// The gallery: the images with the worst false positives and the most missed objects.
extension DetectionReport {
    static func gallerySection(_ run: EvaluationRun, options: Options, iou: Double, scoreThreshold: Double)
        -> ReportDocument.Section?
    {
        guard let records = run.detections, records.count > 0, options.galleryImages > 0 else { return nil }
        let picks = galleryPicks(records, limit: options.galleryImages)
        var byImage: [Int32: [Int]] = [:]
        let wanted = Set(picks)
        for i in 0..<records.count where wanted.contains(records.image[i]) {
            byImage[records.image[i], default: []].append(i)
        }
        let tiles = GalleryLoader.load(
            picks.map { image in
                let name = records.imageNames[Int(image)]
                return (name, run.images[name])
            }, workers: 8)
        var figures: [ReportDocument.Figure] = []
        var blankCount = 0
        for (k, image) in picks.enumerated() {
            let name = records.imageNames[Int(image)]
            var marks: [ImageTile.Mark] = []
            var fp = 0
            var missed = 0
            var maxFP = 0.0
            var truthSeen = Set<String>()
            // Detections drawn: the highest-scoring ones, so that a tile stays readable.
            let ofImage = byImage[image] ?? []
            let drawnDetections = Set(
                ofImage.filter { records.outcome[$0] == .truePositive || records.outcome[$0] == .falsePositive }
                    .filter { records.score[$0] >= scoreThreshold }
                    .sorted { records.score[$0] != records.score[$1] ? records.score[$0] > records.score[$1] : $0 < $1 }
                    .prefix(Self.detectionsPerTile))
            for i in ofImage {
                let label = records.labelNames[Int(records.label[i])]
                switch records.outcome[i] {
                case .missed:
                    missed += 1
                    marks.append(
                        .init(
                            box: records.box[i], kind: .missed, caption: "missed \(label)",
                            polygons: records.shape[i]?.outlines ?? []))
                case .truePositive:
                    if let t = records.truthBox[i], truthSeen.insert("\(t)").inserted {
                        marks.append(
                            .init(
                                box: t, kind: .groundTruth, caption: "", polygons: records.truthShape[i]?.outlines ?? []
                            ))
                    }
                    if drawnDetections.contains(i) {
                        marks.append(
                            .init(
                                box: records.box[i], kind: .truePositive,
                                caption: "\(label) \(formatNumber(records.score[i], digits: 2))",
                                polygons: records.shape[i]?.outlines ?? []))
                    }
                case .falsePositive:
                    fp += 1
                    maxFP = max(maxFP, records.score[i])
                    if drawnDetections.contains(i) {
                        marks.append(
                            .init(
                                box: records.box[i], kind: .falsePositive,
                                caption: "\(label) \(formatNumber(records.score[i], digits: 2))",
                                polygons: records.shape[i]?.outlines ?? []))
                    }
                case .ignored: break
                }
            }
            let loaded = tiles[k]
            if loaded.image == nil { blankCount += 1 }
            var size = loaded.size
            if size.width <= 0 || size.height <= 0 {
                // No size known: the extent of the boxes.
                let right = marks.map { $0.box.0 + $0.box.2 }.max() ?? 100
                let bottom = marks.map { $0.box.1 + $0.box.3 }.max() ?? 100
                size = (max(1, right), max(1, bottom))
            }
            let note =
                "\(fp) false positive\(fp == 1 ? "" : "s")\(fp > 0 ? " (top \(formatNumber(maxFP, digits: 2)))" : "") · \(missed) missed"
            let tile = ImageTile(
                title: (name as NSString).lastPathComponent, note: note, image: loaded.image, imageSize: size,
                marks: marks, side: 280)
            figures.append(
                .init(
                    id: "gallery_\(k)", drawing: tile,
                    data: .object(
                        [
                            ("image", .string(name)), ("false_positives", .integer(fp)), ("missed", .integer(missed)),
                            ("image_file_found", .bool(loaded.image != nil)),
                            ("masks_drawn", .integer(marks.filter { !$0.polygons.isEmpty }.count)),
                        ] + GalleryDetails.of(records, ofImage, size: size, scoreThreshold: scoreThreshold))))
        }
        var blocks: [ReportDocument.Block] = [
            .paragraph(
                "The \(figures.count) images with the highest-scoring false positives and the most missed objects, worst first. "
                    + "Green: ground truth matched by a detection; blue: true positive; orange, dashed: false positive; purple, thick: missed object"
                    + (run.task == "image_instance_segmentation" ? " (masks filled in the same colours). " : ". ")
                    + "Detections below score \(formatNumber(scoreThreshold)) are not drawn, nor more than the \(Self.detectionsPerTile) highest-scoring ones of an image; matching at IoU ≥ \(formatNumber(iou))."
            )
        ]
        if blankCount > 0 {
            blocks.append(
                .paragraph(
                    "\(blankCount) of \(figures.count) image files were not found or could not be read: their boxes are drawn on a blank canvas of the image's size."
                ))
        }
        blocks.append(.grid(figures))
        return .init(id: "gallery", title: "Gallery: worst false positives and missed objects", blocks: blocks)
    }

    static let detectionsPerTile = 25

    /// Images ranked for the gallery: alternately the next image by its highest false-positive
    /// score and the next by its number of missed objects (ties by name), without repeats.
    static func galleryPicks(_ records: EvaluationRun.DetectionRecords, limit: Int) -> [Int32] {
        var topFP: [Int32: Double] = [:]
        var missed: [Int32: Int] = [:]
        for i in 0..<records.count {
            switch records.outcome[i] {
            case .falsePositive: topFP[records.image[i]] = max(topFP[records.image[i]] ?? 0, records.score[i])
            case .missed: missed[records.image[i], default: 0] += 1
            default: break
            }
        }
        let name = { (i: Int32) in records.imageNames[Int(i)] }
        let byFP = topFP.sorted { $0.value != $1.value ? $0.value > $1.value : name($0.key) < name($1.key) }.map(\.key)
        let byMissed = missed.sorted { $0.value != $1.value ? $0.value > $1.value : name($0.key) < name($1.key) }.map(
            \.key)
        var picks: [Int32] = []
        var seen = Set<Int32>()
        var a = 0
        var b = 0
        while picks.count < limit && (a < byFP.count || b < byMissed.count) {
            if a < byFP.count {
                if seen.insert(byFP[a]).inserted { picks.append(byFP[a]) }
                a += 1
            }
            if picks.count < limit && b < byMissed.count {
                if seen.insert(byMissed[b]).inserted { picks.append(byMissed[b]) }
                b += 1
            }
        }
        return picks
    }
}
