import ArgusCore
import ArgusIO
import Foundation

/// Dataset-level checks (docs/formats.md) on top of what the readers report line by line.
public enum DatasetValidator {
    /// What a validation checks beyond the readers.
    public struct Options: Sendable {
        /// The allowed labels, when the user gave a list.
        public var labels: [String]?
        /// Check that every image file exists.
        public var checkImages = true
        /// The fewest images a training set may have.
        public var minimumImages = 10
        /// Labels with fewer examples than this get a warning.
        public var recommendedPerLabel = 10
        /// Whether the data is ground truth (predictions skip the size rules).
        public var isGroundTruth = true

        /// The defaults: image files checked, no label list.
        public init() {}
    }

    /// Checks a loaded dataset as a whole: duplicate images, image files, sizes of the set and its labels.
    /// - Returns: every problem found, the reader's included.
    public static func validate(_ loaded: LoadedDataset, dataRoot: String? = nil, options: Options = Options())
        -> Diagnostics
    {
        var diagnostics = Diagnostics()
        let dataset = loaded.dataset
        let fallback = SourceLocation(file: loaded.source.isEmpty ? loaded.imageBase : loaded.source)
        func location(_ image: ImageRecord) -> SourceLocation { image.location ?? fallback }

        // Duplicate images.
        var firstSeen: [String: ImageRecord] = [:]
        for image in dataset.images {
            if let first = firstSeen[image.imageURL] {
                let where_ = first.location.map { $0.line.map { "line \($0)" } ?? $0.description } ?? "earlier"
                diagnostics.error(
                    location(image), field: "image_url", "duplicate image \(image.imageURL) (first at \(where_))")
            } else {
                firstSeen[image.imageURL] = image
            }
        }

        // Image files.
        if options.checkImages {
            let locator = ImageLocator(baseFolder: loaded.imageBase, dataRoot: dataRoot)
            var unmapped = 0
            for image in dataset.images where !image.imageURL.hasPrefix("#") {
                switch locator.resolve(image.imageURL) {
                case .local(let path):
                    if !FileManager.default.fileExists(atPath: path) {
                        diagnostics.error(location(image), field: "image_url", "image file not found: \(path)")
                    } else if ImageHeader.size(ofFile: path) == nil {
                        diagnostics.error(
                            location(image), field: "image_url",
                            "\(path) is empty or not a PNG, JPEG, BMP, GIF or TIFF image")
                    }
                case .needsDataRoot: unmapped += 1
                case .remote: continue
                case .outsideRoot(let path):
                    diagnostics.error(
                        location(image), field: "image_url",
                        "the datastore path leaves --data-root (\(path)): refused")
                }
            }
            if unmapped > 0 {
                diagnostics.warning(
                    fallback, field: "image_url",
                    "\(unmapped) datastore URL(s) not checked: pass --data-root to map them onto a local folder")
            }
        }

        // Labels against the given list.
        if let allowed = options.labels.map(Set.init) {
            for image in dataset.images {
                let used: [String]
                switch image.annotation {
                case .category(let label): used = [label]
                case .categories(let list): used = list
                case .scores(let list, _): used = list
                case .objects(let objects): used = objects.map(\.label)
                case .none: used = []
                }
                for (index, label) in used.enumerated() where !allowed.contains(label) {
                    let field: String
                    if case .objects = image.annotation { field = "label[\(index)].label" } else { field = "label" }
                    diagnostics.error(location(image), field: field, "label \"\(label)\" is not in the label list")
                }
            }
        }

        guard options.isGroundTruth else { return diagnostics }
        if dataset.images.count < options.minimumImages {
            diagnostics.error(
                fallback,
                "only \(dataset.images.count) image\(dataset.images.count == 1 ? "" : "s"): a training set needs at least \(options.minimumImages)"
            )
        }
        for (label, count) in examplesPerLabel(dataset) where count < options.recommendedPerLabel {
            diagnostics.warning(
                fallback, field: "label",
                "\"\(label)\" has \(count) example\(count == 1 ? "" : "s"); at least \(options.recommendedPerLabel) per label are recommended"
            )
        }
        return diagnostics
    }

    /// Examples per label in vocabulary order (objects for detection, images for classification).
    public static func examplesPerLabel(_ dataset: Dataset) -> [(String, Int)] {
        var counts: [String: Int] = [:]
        for image in dataset.images {
            switch image.annotation {
            case .category(let label): counts[label, default: 0] += 1
            case .categories(let list): for label in Set(list) { counts[label, default: 0] += 1 }
            case .objects(let objects):
                for object in objects where !object.isCrowd { counts[object.label, default: 0] += 1 }
            case .scores, .none: break
            }
        }
        return dataset.allLabels.map { ($0, counts[$0] ?? 0) }
    }
}
