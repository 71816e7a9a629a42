import ArgusCore
import ArgusIO
import Foundation

/// Folders of one file per image: Pascal VOC XML, YOLO text, the peer text layouts.
enum BoxFolderWriting {
    static func voc(_ context: DatasetWriter.Context, into folder: String) throws {
        for (image, name) in zip(context.dataset.images, uniqueStems(context.dataset.images)) {
            var xml = "<annotation>\n"
            xml += "\t<filename>\(escape(image.fileName))</filename>\n"
            xml +=
                "\t<size>\n\t\t<width>\(image.width ?? 0)</width>\n\t\t<height>\(image.height ?? 0)</height>\n\t\t<depth>3</depth>\n\t</size>\n"
            for object in image.annotation.objects {
                guard let box = object.box ?? DatasetGeometry.boundingBox(of: object) else { continue }
                xml += "\t<object>\n\t\t<name>\(escape(object.label))</name>\n"
                xml += "\t\t<difficult>\(object.isCrowd ? 1 : 0)</difficult>\n"
                if let score = object.score { xml += "\t\t<score>\(score)</score>\n" }
                xml += "\t\t<bndbox>\n"
                xml += "\t\t\t<xmin>\(number(box.minX))</xmin>\n\t\t\t<ymin>\(number(box.minY))</ymin>\n"
                xml += "\t\t\t<xmax>\(number(box.maxX))</xmax>\n\t\t\t<ymax>\(number(box.maxY))</ymax>\n"
                xml += "\t\t</bndbox>\n\t</object>\n"
            }
            xml += "</annotation>\n"
            try OutputFile.write(xml, to: (folder as NSString).appendingPathComponent(name + ".xml"))
        }
    }

    static func yolo(_ context: DatasetWriter.Context, into folder: String) throws {
        let labels = context.dataset.allLabels
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        for (image, name) in zip(context.dataset.images, uniqueStems(context.dataset.images)) {
            var text = ""
            for object in image.annotation.objects {
                guard let box = object.box ?? DatasetGeometry.boundingBox(of: object) else { continue }
                text +=
                    "\(index[object.label]!) \(number(box.centerX)) \(number(box.centerY)) \(number(box.width)) \(number(box.height))"
                if let score = object.score { text += " \(number(score))" }
                text += "\n"
            }
            try OutputFile.write(text, to: (folder as NSString).appendingPathComponent(name + ".txt"))
        }
        try OutputFile.write(
            labels.joined(separator: "\n") + "\n", to: (folder as NSString).appendingPathComponent("obj.names"))
    }

    static func text(_ context: DatasetWriter.Context, layout: TextLayout, into folder: String) throws {
        for (image, name) in zip(context.dataset.images, uniqueStems(context.dataset.images)) {
            var text = ""
            for object in image.annotation.objects {
                guard let box = object.box ?? DatasetGeometry.boundingBox(of: object) else { continue }
                text += object.label.replacingOccurrences(of: " ", with: "_")
                if let score = object.score { text += " \(number(score))" }
                let values: [Double]
                switch layout.boxForm {
                case .xywh: values = [box.minX, box.minY, box.width, box.height]
                case .xyxy: values = [box.minX, box.minY, box.maxX, box.maxY]
                case .cxcywh: values = [box.centerX, box.centerY, box.width, box.height]
                }
                text += values.map { " \(number($0))" }.joined() + "\n"
            }
            try OutputFile.write(text, to: (folder as NSString).appendingPathComponent(name + ".txt"))
        }
    }

    /// File stems, made unique where two images share one (`a.jpg`, `a.png` → `a`, `a_2`).
    static func uniqueStems(_ images: [ImageRecord]) -> [String] {
        var used: [String: Int] = [:]
        return images.map { image in
            let stem = image.stem.isEmpty ? "image" : image.stem
            let n = used[stem, default: 0] + 1
            used[stem] = n
            return n == 1 ? stem : "\(stem)_\(n)"
        }
    }

    /// Shortest round-trip text of a number, without a trailing `.0`.
    static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Classification folders and the multi-label CSV.
enum ClassificationWriting {
    static func folders(_ context: DatasetWriter.Context, into folder: String) throws {
        let fm = FileManager.default
        for image in context.dataset.images {
            guard case .category(let label) = image.annotation else {
                throw DataError(
                    .unsupported, image.location ?? SourceLocation(file: image.imageURL), field: "label",
                    "classification folders hold one class per image")
            }
            guard let source = context.locator.localPath(image.imageURL), fm.fileExists(atPath: source) else {
                throw DataError(
                    .unreadable, image.location ?? SourceLocation(file: image.imageURL), field: "image_url",
                    "image file \(image.imageURL) not found: folders need the images themselves")
            }
            let place = image.location ?? SourceLocation(file: image.imageURL)
            guard !label.isEmpty, !label.contains("/"), label != ".", label != ".." else {
                throw DataError(.invalidData, place, field: "label", "class \"\(label)\" cannot name a folder")
            }
            // Only a regular file is written into the output; a link is made only to a file inside
            // the dataset's own folder (or the data root), anything else is copied.
            let resolvedSource = PathTools.resolved(source)
            var isFolder: ObjCBool = false
            let attributes = try? fm.attributesOfItem(atPath: resolvedSource)
            guard fm.fileExists(atPath: resolvedSource, isDirectory: &isFolder), !isFolder.boolValue,
                attributes?[.type] as? FileAttributeType == .typeRegular
            else {
                throw DataError(.invalidData, place, field: "image_url", "\(source) is not a regular file")
            }
            let roots = [context.locator.baseFolder] + (context.locator.dataRoot.map { [$0] } ?? [])
            let linkable = roots.contains { PathTools.isInside(resolvedSource, root: $0) }
            let classFolder = (folder as NSString).appendingPathComponent(label)
            try OutputFile.ensureFolder(classFolder)
            var target = (classFolder as NSString).appendingPathComponent(image.fileName)
            var n = 2
            while fm.fileExists(atPath: target) {
                target = (classFolder as NSString).appendingPathComponent(
                    "\(image.stem)_\(n).\(image.fileName.pathExtensionLowercased)")
                n += 1
            }
            if !linkable || link(resolvedSource, target) != 0 {
                try fm.copyItem(atPath: resolvedSource, toPath: target)
            }
        }
    }

    static func csv(_ context: DatasetWriter.Context) -> [UInt8] {
        var text = "filename,labels\n"
        for image in context.dataset.images {
            let labels: [String]
            switch image.annotation {
            case .categories(let set): labels = set
            case .category(let label): labels = [label]
            case .scores(let names, let probabilities):
                labels = zip(names, probabilities).filter { $0.1 > 0.5 }.map(\.0)
            default: labels = []
            }
            text += CSV.escape(context.url(image)) + "," + CSV.escape(labels.joined(separator: " ")) + "\n"
        }
        return Array(text.utf8)
    }
}
