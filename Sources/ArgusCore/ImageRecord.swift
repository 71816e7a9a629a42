/// What a dataset says about one image.
public enum ImageAnnotation: Hashable, Sendable {
    /// No label (an image listed without annotations, or a prediction with no boxes).
    case none
    /// Multi-class ground truth: one class.
    case category(String)
    /// Multi-label ground truth: a set of classes (in the source's order).
    case categories([String])
    /// Classification prediction: probabilities aligned with labels (docs/formats.md).
    case scores(labels: [String], probabilities: [Double])
    /// Detection or segmentation: objects (ground truth or predicted).
    case objects([ObjectAnnotation])

    /// The objects of a detection or segmentation annotation (none for other kinds).
    public var objects: [ObjectAnnotation] {
        if case .objects(let list) = self { return list }
        return []
    }
}

/// One image of a dataset or prediction file.
public struct ImageRecord: Hashable, Sendable {
    /// The image's path or URL as written in the source (`image_url`, COCO `file_name`, …).
    public var imageURL: String
    /// The source's image id (COCO `id`), when it had one.
    public var id: Int?
    /// The width in pixels, where known.
    public var width: Int?
    /// The height in pixels, where known.
    public var height: Int?
    /// The image format from `image_details`, e.g. `jpg`.
    public var format: String?
    /// The image's labels, objects or predicted scores.
    public var annotation: ImageAnnotation
    /// Where the record was read from, for messages.
    public var location: SourceLocation?

    /// An image with what is known of it.
    public init(
        imageURL: String, id: Int? = nil, width: Int? = nil, height: Int? = nil, format: String? = nil,
        annotation: ImageAnnotation = .none, location: SourceLocation? = nil
    ) {
        self.imageURL = imageURL
        self.id = id
        self.width = width
        self.height = height
        self.format = format
        self.annotation = annotation
        self.location = location
    }

    /// The last path component of `imageURL`: the key that joins predictions to ground truth.
    public var fileName: String {
        if let slash = imageURL.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
            return String(imageURL[imageURL.index(after: slash)...])
        }
        return imageURL
    }

    /// `fileName` without its extension.
    public var stem: String {
        let name = fileName
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { return String(name[..<dot]) }
        return name
    }
}
