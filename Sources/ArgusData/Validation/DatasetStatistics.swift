import ArgusCore
import ArgusIO

/// Summary figures of a dataset, for `argus stats`.
public struct DatasetStatistics: Sendable {
    /// The task, as given or inferred.
    public var task: VisionTask?
    /// The number of images.
    public var images: Int
    /// Images without a label or object.
    public var imagesWithoutLabels: Int
    /// Per label: its examples and the images with it.
    public var labels: [(label: String, examples: Int, images: Int)]
    /// The objects (detection and segmentation).
    public var objects: Int
    /// The crowd objects among them.
    public var crowdObjects: Int
    /// Objects per image: least, mean and most.
    public var objectsPerImage: (min: Int, mean: Double, max: Int)?
    /// COCO size classes of object areas in pixels (small < 32², medium < 96², large), when sizes are known.
    public var areaClasses: (small: Int, medium: Int, large: Int)?
    /// The narrowest and widest image, where sizes are known.
    public var widths: (min: Int, max: Int)?
    /// The lowest and tallest image, where sizes are known.
    public var heights: (min: Int, max: Int)?
    /// Images whose size is unknown.
    public var imagesWithoutSize: Int

    /// The statistics of a dataset.
    public init(_ dataset: Dataset) {
        task = dataset.task ?? dataset.inferredTask
        images = dataset.images.count
        var emptyCount = 0
        var objectCount = 0
        var crowd = 0
        var perImage: [Int] = []
        var exampleCounts: [String: Int] = [:]
        var imageCounts: [String: Int] = [:]
        var small = 0
        var medium = 0
        var large = 0
        var areaKnown = false
        var noSize = 0
        var ws: [Int] = []
        var hs: [Int] = []
        for image in dataset.images {
            if let w = image.width, let h = image.height {
                ws.append(w)
                hs.append(h)
            } else {
                noSize += 1
            }
            switch image.annotation {
            case .none: emptyCount += 1
            case .category(let label):
                exampleCounts[label, default: 0] += 1
                imageCounts[label, default: 0] += 1
            case .categories(let list):
                if list.isEmpty { emptyCount += 1 }
                for label in Set(list) {
                    exampleCounts[label, default: 0] += 1
                    imageCounts[label, default: 0] += 1
                }
            case .scores: break
            case .objects(let list):
                if list.isEmpty { emptyCount += 1 }
                perImage.append(list.count)
                objectCount += list.count
                for label in Set(list.map(\.label)) { imageCounts[label, default: 0] += 1 }
                for object in list {
                    exampleCounts[object.label, default: 0] += 1
                    if object.isCrowd { crowd += 1 }
                    var area: Double?
                    if dataset.coordinateSpace == .pixels {
                        area = object.area ?? object.box?.area
                    } else if let box = object.box, let w = image.width, let h = image.height {
                        area = box.area * Double(w * h)
                    }
                    if let area {
                        areaKnown = true
                        if area < 32 * 32 { small += 1 } else if area < 96 * 96 { medium += 1 } else { large += 1 }
                    }
                }
            }
        }
        imagesWithoutLabels = emptyCount
        objects = objectCount
        crowdObjects = crowd
        labels = dataset.allLabels.map { ($0, exampleCounts[$0] ?? 0, imageCounts[$0] ?? 0) }
        if !perImage.isEmpty {
            objectsPerImage = (perImage.min()!, Double(objectCount) / Double(perImage.count), perImage.max()!)
        }
        areaClasses = areaKnown ? (small, medium, large) : nil
        widths = ws.isEmpty ? nil : (ws.min()!, ws.max()!)
        heights = hs.isEmpty ? nil : (hs.min()!, hs.max()!)
        imagesWithoutSize = noSize
    }

    /// A plain-text report.
    public var text: String {
        var lines: [String] = []
        lines.append("task: \(task?.rawValue ?? "unknown")")
        lines.append("images: \(images)\(imagesWithoutLabels > 0 ? " (\(imagesWithoutLabels) without labels)" : "")")
        if let widths, let heights {
            lines.append(
                "image size: width \(widths.min)–\(widths.max), height \(heights.min)–\(heights.max)\(imagesWithoutSize > 0 ? " (\(imagesWithoutSize) unknown)" : "")"
            )
        }
        if task?.hasObjects == true {
            lines.append("objects: \(objects)\(crowdObjects > 0 ? " (\(crowdObjects) crowd)" : "")")
            if let perImage = objectsPerImage {
                lines.append(
                    "objects per image: min \(perImage.min), mean \(String(format2: perImage.mean)), max \(perImage.max)"
                )
            }
            if let areas = areaClasses {
                lines.append("object sizes (COCO): small \(areas.small), medium \(areas.medium), large \(areas.large)")
            }
        }
        lines.append("labels: \(labels.count)")
        let width = max(5, labels.map(\.label.count).max() ?? 5)
        let heading = task?.hasObjects == true ? "objects" : "examples"
        lines.append("  " + "label".padding(width) + "  \(heading.leftPadding(8))  \("images".leftPadding(8))")
        for entry in labels {
            lines.append(
                "  " + entry.label.padding(width)
                    + "  \(String(entry.examples).leftPadding(8))  \(String(entry.images).leftPadding(8))")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    init(format2 value: Double) {
        let scaled = (value * 100).rounded() / 100
        self = String(scaled)
    }
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
