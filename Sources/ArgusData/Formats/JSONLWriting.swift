import ArgusCore
import ArgusIO

/// AutoML JSONL: ground truth (docs/formats.md) and scoring output (docs/formats.md).
enum JSONLWriting {
    static func groundTruth(_ context: DatasetWriter.Context) -> [UInt8] {
        var out: [UInt8] = []
        let task = context.dataset.task ?? context.dataset.inferredTask
        for image in context.dataset.images {
            var json = JSONWriter()
            json.beginObject()
            if context.options.resolvedPaths {
                json.field("image_url", image.imageURL)
                if let local = context.locator.localPath(image.imageURL) {
                    json.field("path", PathTools.absolute(local))
                }
            } else {
                json.field("image_url", context.url(image))
            }
            if image.width != nil || image.height != nil || image.format != nil {
                json.key("image_details")
                json.beginObject()
                json.field("format", image.format ?? image.fileName.pathExtensionLowercased)
                if let width = image.width { json.field("width", width) }
                if let height = image.height { json.field("height", height) }
                json.endObject()
            }
            json.key("label")
            switch image.annotation {
            case .category(let label): json.string(label)
            case .categories(let labels):
                json.strings(labels)
            case .scores(let labels, let probabilities):
                // Ground truth from predictions: the argmax class (multi-class) or the classes over 0.5.
                if task == .imageClassificationMultilabel {
                    json.beginArray()
                    for (label, p) in zip(labels, probabilities) where p > 0.5 { json.string(label) }
                    json.endArray()
                } else if let best = probabilities.indices.max(by: {
                    probabilities[$0] < probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 > $1)
                }) {
                    json.string(labels[best])
                } else {
                    json.null()
                }
            case .objects(let objects):
                json.beginArray()
                for object in objects { writeObject(object, task: task, into: &json) }
                json.endArray()
            case .none:
                if task == .imageClassification {
                    json.null()
                } else {
                    json.beginArray()
                    json.endArray()
                }
            }
            json.endObject()
            out += json.bytes
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    static func writeObject(_ object: ObjectAnnotation, task: VisionTask?, into json: inout JSONWriter) {
        json.beginObject()
        json.field("label", object.label)
        if task == .imageInstanceSegmentation, case .polygons(let rings)? = object.segmentation {
            json.field("isCrowd", object.isCrowd ? 1 : 0)
            json.key("polygon")
            json.beginArray()
            rings.forEach { json.numbers($0) }
            json.endArray()
        } else {
            let box = object.box ?? DatasetGeometry.boundingBox(of: object) ?? Box(minX: 0, minY: 0, maxX: 0, maxY: 0)
            json.field("topX", box.minX)
            json.field("topY", box.minY)
            json.field("bottomX", box.maxX)
            json.field("bottomY", box.maxY)
            json.field("isCrowd", object.isCrowd ? 1 : 0)
        }
        json.endObject()
    }

    static func scoring(_ context: DatasetWriter.Context) -> [UInt8] {
        var out: [UInt8] = []
        for image in context.dataset.images {
            var json = JSONWriter()
            json.beginObject()
            json.field("filename", context.url(image))
            switch image.annotation {
            case .scores(let labels, let probabilities):
                json.key("probs")
                json.numbers(probabilities)
                json.key("labels")
                json.strings(labels)
            case .category(let label):
                let labels = context.dataset.allLabels
                json.key("probs")
                json.numbers(labels.map { $0 == label ? 1 : 0 })
                json.key("labels")
                json.strings(labels)
            case .categories(let set):
                let labels = context.dataset.allLabels
                json.key("probs")
                json.numbers(labels.map { set.contains($0) ? 1 : 0 })
                json.key("labels")
                json.strings(labels)
            case .objects(let objects):
                json.key("boxes")
                json.beginArray()
                for object in objects {
                    json.beginObject()
                    let box =
                        object.box ?? DatasetGeometry.boundingBox(of: object) ?? Box(minX: 0, minY: 0, maxX: 0, maxY: 0)
                    json.key("box")
                    json.beginObject()
                    json.field("topX", box.minX)
                    json.field("topY", box.minY)
                    json.field("bottomX", box.maxX)
                    json.field("bottomY", box.maxY)
                    json.endObject()
                    json.field("label", object.label)
                    json.field("score", object.score ?? 1)
                    if case .polygons(let rings)? = object.segmentation {
                        json.key("polygon")
                        json.beginArray()
                        rings.forEach { json.numbers($0) }
                        json.endArray()
                    }
                    json.endObject()
                }
                json.endArray()
            case .none:
                json.key("boxes")
                json.beginArray()
                json.endArray()
            }
            json.endObject()
            out += json.bytes
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}

/// File-name helpers.
extension String {
    var pathExtensionLowercased: String {
        guard let dot = lastIndex(of: "."), dot != startIndex else { return "" }
        return String(self[index(after: dot)...]).lowercased()
    }
}
