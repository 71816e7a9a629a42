import ArgusCore
import ArgusIO
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusData

/// Paths of the committed fixtures and a scratch folder per test.
enum Fixtures {
    static let root = Repository.root
    static let peers = root + "/golden/peers"
    static let database = peers + "/review_object_detection_metrics/data/database"
    static let toy = peers + "/review_object_detection_metrics/toyexample"
    static let vocNames = database + "/voc.names"

    /// A fresh empty folder.
    static func scratch(_ name: String = #function) -> String { Scratch.folder(name) }

    /// Writes `text` to `folder/name` and returns the path.
    @discardableResult
    static func write(_ text: String, _ folder: String, _ name: String) -> String {
        Scratch.write(text, folder, name)
    }
}

/// The objects of a dataset in pixels, keyed by image file stem, as sorted comparable rows.
struct PixelBoxes {
    struct Row: Comparable, CustomStringConvertible {
        var label: String
        var box: [Double]
        var score: Double?
        var crowd: Bool
        static func < (a: Row, b: Row) -> Bool {
            if a.label != b.label { return a.label < b.label }
            return a.box.lexicographicallyPrecedes(b.box)
        }
        var description: String { "\(label) \(box) \(score.map(String.init) ?? "-")\(crowd ? " crowd" : "")" }
    }
    var rows: [String: [Row]] = [:]

    init(_ loaded: LoadedDataset, sizes: [String: (Int, Int)] = [:]) {
        var diagnostics = Diagnostics()
        var dataset = loaded.dataset
        for index in dataset.images.indices where dataset.images[index].width == nil {
            if let size = sizes[dataset.images[index].stem] {
                dataset.images[index].width = size.0
                dataset.images[index].height = size.1
            }
        }
        let pixels = DatasetGeometry.converted(
            dataset, to: .pixels, locator: ImageLocator(baseFolder: loaded.imageBase), diagnostics: &diagnostics)
        precondition(!diagnostics.hasErrors, "\(diagnostics.items)")
        for image in pixels.images {
            let objects = image.annotation.objects.map { object -> Row in
                let box = object.box ?? DatasetGeometry.boundingBox(of: object)!
                return Row(
                    label: object.label, box: [box.minX, box.minY, box.maxX, box.maxY], score: object.score,
                    crowd: object.isCrowd)
            }
            rows[image.stem, default: []] += objects
        }
        for key in rows.keys { rows[key]!.sort() }
    }

    /// The first difference larger than `tolerance` pixels, or nil.
    func difference(from other: PixelBoxes, tolerance: Double, compareCrowd: Bool = true) -> String? {
        let keys = Set(rows.keys).union(other.rows.keys).filter {
            !(rows[$0] ?? []).isEmpty || !(other.rows[$0] ?? []).isEmpty
        }
        for key in keys.sorted() {
            let a = rows[key] ?? []
            let b = other.rows[key] ?? []
            guard a.count == b.count else { return "\(key): \(a.count) vs \(b.count) objects: \(a) vs \(b)" }
            for (x, y) in zip(a, b) {
                if x.label != y.label { return "\(key): label \(x.label) vs \(y.label)" }
                if zip(x.box, y.box).contains(where: { abs($0 - $1) > tolerance }) { return "\(key): \(x) vs \(y)" }
                if let s = x.score, let t = y.score, abs(s - t) > 1e-9 { return "\(key): score \(s) vs \(t)" }
                if compareCrowd && x.crowd != y.crowd { return "\(key): crowd \(x) vs \(y)" }
            }
        }
        return nil
    }
}

func read(_ path: String, _ format: DataFormat? = nil, configure: (inout ReadOptions) -> Void = { _ in }) throws
    -> LoadedDataset
{
    var options = ReadOptions()
    configure(&options)
    let loaded = try DatasetReader.read(path, format: format, options: options)
    #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics.errors.prefix(5))")
    return loaded
}
