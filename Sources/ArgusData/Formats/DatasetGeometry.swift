import ArgusCore
import ArgusIO
import ArgusMasks

/// Moves a dataset between normalised and pixel coordinates (docs/formats.md), filling image sizes
/// from the image files' headers where the data does not give them.
public enum DatasetGeometry {
    /// Fills missing widths and heights from the image files; returns the images still without a size.
    @discardableResult
    public static func fillImageSizes(_ dataset: inout Dataset, locator: ImageLocator) -> [Int] {
        var missing: [Int] = []
        for index in dataset.images.indices
        where dataset.images[index].width == nil || dataset.images[index].height == nil {
            if let path = locator.localPath(dataset.images[index].imageURL), let size = ImageHeader.size(ofFile: path) {
                dataset.images[index].width = size.width
                dataset.images[index].height = size.height
            } else {
                missing.append(index)
            }
        }
        return missing
    }

    /// The dataset in `space`. Converting needs every image's size: missing ones are read from the
    /// image files; an image whose size cannot be found is an error naming it.
    public static func converted(
        _ dataset: Dataset, to space: CoordinateSpace, locator: ImageLocator,
        diagnostics: inout Diagnostics
    ) -> Dataset {
        guard dataset.coordinateSpace != space, dataset.task?.hasObjects ?? true else {
            var copy = dataset
            if dataset.task?.hasObjects == false { copy.coordinateSpace = space }
            return copy
        }
        var result = dataset
        let missing = Set(fillImageSizes(&result, locator: locator))
        result.coordinateSpace = space
        for index in result.images.indices {
            guard case .objects(let objects) = result.images[index].annotation, !objects.isEmpty else { continue }
            let image = result.images[index]
            guard !missing.contains(index), let width = image.width, let height = image.height else {
                diagnostics.error(
                    image.location ?? SourceLocation(file: image.imageURL), field: "image_details",
                    "the size of \(image.imageURL) is unknown (no width/height and the image file is not at hand), so its coordinates cannot be converted"
                )
                continue
            }
            let w = Double(width)
            let h = Double(height)
            result.images[index].annotation = .objects(
                objects.map { object in
                    var copy = object
                    if space == .pixels {
                        copy.box = object.box?.denormalized(width: w, height: h)
                        if case .polygons(let rings) = object.segmentation {
                            copy.segmentation = .polygons(scale(rings, w, h))
                        }
                    } else {
                        copy.box = object.box?.normalized(width: w, height: h)
                        if case .polygons(let rings) = object.segmentation {
                            copy.segmentation = .polygons(scale(rings, 1 / w, 1 / h, divide: (w, h)))
                        }
                        copy.area = nil  // COCO's pixel area means nothing in normalised space
                    }
                    return copy
                })
        }
        return result
    }

    private static func scale(_ rings: [[Double]], _ sx: Double, _ sy: Double, divide: (Double, Double)? = nil)
        -> [[Double]]
    {
        rings.map { ring in
            ring.enumerated().map { index, value in
                if let divide { return index % 2 == 0 ? value / divide.0 : value / divide.1 }
                return index % 2 == 0 ? value * sx : value * sy
            }
        }
    }

    /// The object's box, derived from its shape when it has none.
    public static func boundingBox(of object: ObjectAnnotation) -> Box? {
        if let box = object.box { return box }
        switch object.segmentation {
        case .polygons(let rings)?:
            var xs: [Double] = []
            var ys: [Double] = []
            for ring in rings {
                for (i, v) in ring.enumerated() { if i % 2 == 0 { xs.append(v) } else { ys.append(v) } }
            }
            guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return nil }
            return Box(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
        case let shape?:
            guard let mask = shape.runLengthMask else { return nil }
            return maskBox(mask)
        case nil: return nil
        }
    }

    /// The box of a mask's foreground pixels (pycocotools `toBbox`), in pixels.
    static func maskBox(_ mask: RunLengthMask) -> Box? {
        var position = 0
        var minX = Int.max
        var minY = Int.max
        var maxX = -1
        var maxY = -1
        let h = mask.height
        guard h > 0 else { return nil }
        for (i, run) in mask.counts.enumerated() {
            if i % 2 == 1 && run > 0 {
                let start = position
                let end = position + Int(run) - 1
                let x0 = start / h
                let x1 = end / h
                minX = min(minX, x0)
                maxX = max(maxX, x1)
                if x0 == x1 {
                    minY = min(minY, start % h)
                    maxY = max(maxY, end % h)
                } else {
                    minY = 0
                    maxY = h - 1
                }
            }
            position += Int(run)
        }
        guard maxX >= 0 else { return Box(x: 0, y: 0, width: 0, height: 0) }
        return Box(x: Double(minX), y: Double(minY), width: Double(maxX - minX + 1), height: Double(maxY - minY + 1))
    }

    /// Replaces RLE masks by traced polygons (for formats that hold only polygons).
    public static func polygonized(_ dataset: Dataset, maxPoints: Int = 100) -> Dataset {
        var result = dataset
        for index in result.images.indices {
            guard case .objects(let objects) = result.images[index].annotation else { continue }
            guard
                objects.contains(where: {
                    if case .polygons = $0.segmentation { false } else { $0.segmentation != nil }
                })
            else { continue }
            result.images[index].annotation = .objects(
                objects.map { object in
                    guard let mask = object.segmentation?.runLengthMask else { return object }
                    var copy = object
                    if copy.box == nil { copy.box = maskBox(mask) }
                    copy.segmentation = .polygons(MaskContours.polygons(of: mask, maxPoints: maxPoints))
                    return copy
                })
        }
        return result
    }
}
