import ArgusCompute
import Foundation
import Yams

/// Reads an AutoML job YAML file into a `JobSpec`, collecting every mistake with its line and column.
///
/// The file's own structure (keys, limits, sweep, early termination, search space) is checked here;
/// the values of training parameters are checked by the runner, the one owner of those settings
/// (`JobValidation`).
public enum JobFileReader {
    static let topKeys = [
        "type", "task", "training_data", "validation_data", "validation_data_size", "primary_metric", "limits",
        "sweep", "search_space", "training_parameters", "properties", "target_column_name", "$schema", "name",
        "display_name", "experiment_name", "description", "compute", "tags", "log_verbosity",
    ]
    static let tasks = [
        "image_classification", "image_classification_multilabel", "image_object_detection",
        "image_instance_segmentation",
    ]

    /// Reads `path`.
    /// - Throws: `JobFileError` with every mistake found.
    public static func read(_ path: String) throws(JobFileError) -> JobSpec {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw JobFileError(file: path, problems: [JobProblem(.init(line: 1, column: 1), "cannot read the file")])
        }
        return try parse(text, file: path)
    }

    /// Reads job YAML `text`; relative data paths are taken from `file`'s folder.
    public static func parse(_ text: String, file: String) throws(JobFileError) -> JobSpec {
        var reader = Reader(folder: (file as NSString).deletingLastPathComponent)
        let spec = reader.read(text)
        guard reader.problems.isEmpty, let spec else {
            throw JobFileError(
                file: file,
                problems: reader.problems.sorted {
                    ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column)
                })
        }
        return spec
    }
}
