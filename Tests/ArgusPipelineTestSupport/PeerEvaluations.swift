import ArgusData
import ArgusPipeline
import ArgusTestSupport

/// Evaluation jobs on the peers' public data that several test targets share.
public enum PeerEvaluations {
    /// The Pascal VOC sample of review_object_detection_metrics: VOC XML ground truth, a detector's
    /// boxes as `class score x1 y1 x2 y2` text files with the class names beside them, and the image
    /// files (several classes per image, every TIDE error type).
    public static func vocJob() throws -> DetectionEvaluationJob {
        let database = Repository.path("golden/peers/review_object_detection_metrics/data/database")
        var job = DetectionEvaluationJob(
            task: .imageObjectDetection, groundTruth: database + "/gts/pascalvoc_format",
            predictions: database + "/dets/abs_xyx2y2")
        job.predictionsFormat = .text
        job.readOptions.labelNames = try TextReader.readNames(database + "/voc.names")
        job.readOptions.textLayout.boxForm = .xyxy
        job.readOptions.imagesFolder = database + "/images"
        return job
    }
}
