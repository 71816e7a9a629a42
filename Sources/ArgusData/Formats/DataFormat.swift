import ArgusCore
import ArgusIO

/// The dataset and prediction formats Argus reads and writes (the `--from`/`--to` names).
public enum DataFormat: String, CaseIterable, Sendable, CustomStringConvertible {
    /// AutoML JSONL ground truth, one image per line (docs/formats.md).
    case jsonl
    /// A folder with an `MLTable` file over JSONL files (docs/formats.md).
    case mltable
    /// COCO instances JSON.
    case coco
    /// COCO results JSON (a list of detections, or one inside an `annotations` array).
    case cocoResults = "coco-results"
    /// A folder of Pascal VOC XML files.
    case voc
    /// A folder of YOLO text files with a names file.
    case yolo
    /// Classification folders: `root/<class>/<image>`.
    case folders
    /// The multi-label CSV: `filename,labels` with space-separated labels.
    case multilabelCSV = "multilabel-csv"
    /// The AutoML scoring (batch inference) output (docs/formats.md).
    case scoring
    /// The peer tools' text layouts: one file per image, `class [score] a b c d`.
    case text

    /// The format's name.
    public var description: String { rawValue }

    /// True for formats that hold predictions rather than ground truth.
    public var holdsPredictions: Bool { self == .cocoResults || self == .scoring }
}

/// How the boxes of the `text` layout are written.
public struct TextLayout: Hashable, Sendable {
    /// How four numbers make a box.
    public enum BoxForm: String, CaseIterable, Sendable {
        /// left top width height
        case xywh
        /// left top right bottom
        case xyxy
        /// centre-x centre-y width height (the peers' relative files, and YOLO)
        case cxcywh
    }
    /// How the four numbers make a box.
    public var boxForm: BoxForm
    /// Coordinates in pixels (true) or as fractions of the image size.
    public var absolute: Bool
    /// Whether each line carries a score after the class (predictions).
    public var hasScores: Bool?

    /// A layout.
    public init(boxForm: BoxForm = .xywh, absolute: Bool = true, hasScores: Bool? = nil) {
        self.boxForm = boxForm
        self.absolute = absolute
        self.hasScores = hasScores
    }
}

/// What a reader needs beyond the path.
public struct ReadOptions: Sendable {
    /// The task, when the user said it; otherwise inferred from the data.
    public var task: VisionTask?
    /// Where `azureml://` and `AmlDatastore://` image URLs are mapped.
    public var dataRoot: String?
    /// A label list (YOLO and text class ids are indices into it).
    public var labelNames: [String]?
    /// The text layout (format `text`).
    public var textLayout = TextLayout()
    /// A folder of images, for formats that name images without holding them (YOLO, text).
    public var imagesFolder: String?
    /// Ground truth, for prediction formats that refer to images and categories by id.
    public var reference: Dataset?
    /// The `invalid_lines` setting when reading JSONL outside an MLTable.
    public var dropInvalidLines = false
    /// What to do with COCO ground-truth annotations whose `category_id` names no category.
    public var unknownCategories: UnknownCategories = .warn

    /// What to do with COCO ground-truth annotations whose `category_id` names no category.
    public enum UnknownCategories: String, Sendable, CaseIterable {
        /// Leave them out with one warning naming them, as pycocotools leaves them out.
        case warn
        /// Refuse the file: each is an error.
        case error
    }

    /// Options for a task (inferred when nil) and a data root.
    public init(task: VisionTask? = nil, dataRoot: String? = nil) {
        self.task = task
        self.dataRoot = dataRoot
    }
}

/// A dataset with every problem found while reading it.
public struct LoadedDataset: Sendable {
    /// What was read.
    public var dataset: Dataset
    /// Every problem found while reading.
    public var diagnostics: Diagnostics
    /// The folder that relative image paths of the dataset are relative to.
    public var imageBase: String
    /// The format that was read.
    public var format: DataFormat
    /// The file or folder that was read.
    public var source: String = ""
    /// What a report of this data should say about how it was read (categories renamed, …).
    public var notes: [String] = []

    /// A loaded dataset.
    public init(dataset: Dataset, diagnostics: Diagnostics, imageBase: String, format: DataFormat) {
        self.dataset = dataset
        self.diagnostics = diagnostics
        self.imageBase = imageBase
        self.format = format
    }
}
