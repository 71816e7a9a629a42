import ArgusCore
import ArgusIO

/// COCO instances and COCO results JSON (pixels).
enum COCOWriting {
    static func instances(_ context: DatasetWriter.Context) -> [UInt8] {
        let dataset = context.dataset
        let categories = context.categoryIDs
        let categoryOf = Dictionary(uniqueKeysWithValues: categories.map { ($0.label, $0.id) })
        let imageIDs = context.imageIDs
        var json = JSONWriter(capacity: 1 << 16)
        json.beginObject()
        json.key("images")
        json.beginArray()
        for (image, id) in zip(dataset.images, imageIDs) {
            json.beginObject()
            json.field("id", id)
            json.field("file_name", context.url(image))
            if let width = image.width { json.field("width", width) }
            if let height = image.height { json.field("height", height) }
            json.endObject()
        }
        json.endArray()
        json.key("categories")
        json.beginArray()
        for category in categories {
            json.beginObject()
            json.field("id", category.id)
            json.field("name", category.label)
            json.endObject()
        }
        json.endArray()
        json.key("annotations")
        json.beginArray()
        var nextID = 1
        let keepIDs = annotationIDsAreUsable(dataset)
        for (image, imageID) in zip(dataset.images, imageIDs) {
            for object in image.annotation.objects {
                json.beginObject()
                json.field("id", keepIDs ? object.id! : nextID)
                nextID += 1
                json.field("image_id", imageID)
                json.field("category_id", categoryOf[object.label] ?? 0)
                writeGeometry(object, into: &json)
                json.field("area", area(of: object))
                json.field("iscrowd", object.isCrowd ? 1 : 0)
                if let score = object.score { json.field("score", score) }
                json.endObject()
            }
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    static func results(_ context: DatasetWriter.Context) -> [UInt8] {
        let categoryOf = Dictionary(uniqueKeysWithValues: context.categoryIDs.map { ($0.label, $0.id) })
        var json = JSONWriter(capacity: 1 << 16)
        json.beginArray()
        for (image, imageID) in zip(context.dataset.images, context.imageIDs) {
            for object in image.annotation.objects {
                json.beginObject()
                json.field("image_id", imageID)
                json.field("category_id", categoryOf[object.label] ?? 0)
                writeGeometry(object, into: &json)
                json.field("score", object.score ?? 1)
                json.endObject()
            }
        }
        json.endArray()
        return json.bytes
    }

    static func writeGeometry(_ object: ObjectAnnotation, into json: inout JSONWriter) {
        if let box = object.box ?? DatasetGeometry.boundingBox(of: object) {
            json.key("bbox")
            json.numbers([box.minX, box.minY, box.width, box.height])
        }
        switch object.segmentation {
        case .polygons(let rings)?:
            json.key("segmentation")
            json.beginArray()
            rings.forEach { json.numbers($0) }
            json.endArray()
        case .rle(let mask)?:
            json.key("segmentation")
            json.beginObject()
            json.key("counts")
            json.beginArray()
            mask.counts.forEach { json.integer(Int($0)) }
            json.endArray()
            json.key("size")
            json.beginArray()
            json.integer(mask.height)
            json.integer(mask.width)
            json.endArray()
            json.endObject()
        case .compressedRLE(let counts, let height, let width)?:
            json.key("segmentation")
            json.beginObject()
            json.field("counts", counts)
            json.key("size")
            json.beginArray()
            json.integer(height)
            json.integer(width)
            json.endArray()
            json.endObject()
        case nil: break
        }
    }

    /// The area as given; else the polygon's (shoelace), the mask's or the box's.
    static func area(of object: ObjectAnnotation) -> Double {
        if let area = object.area { return area }
        switch object.segmentation {
        case .polygons(let rings)?:
            return rings.reduce(0) { total, ring in
                var sum = 0.0
                let n = ring.count / 2
                for i in 0..<n {
                    let j = (i + 1) % n
                    sum += ring[2 * i] * ring[2 * j + 1] - ring[2 * j] * ring[2 * i + 1]
                }
                return total + abs(sum) / 2
            }
        case let shape?:
            if let mask = shape.runLengthMask { return Double(mask.area) }
            return object.box?.area ?? 0
        case nil:
            return object.box?.area ?? 0
        }
    }

    static func annotationIDsAreUsable(_ dataset: Dataset) -> Bool {
        var seen = Set<Int>()
        for image in dataset.images {
            for object in image.annotation.objects {
                guard let id = object.id, id > 0, seen.insert(id).inserted else { return false }
            }
        }
        return true
    }
}
