import ArgusCharts
import Foundation

/// Decodes gallery images in parallel, each downscaled for a tile and carried as JPEG into
/// SVG and PDF (tiny ones losslessly). A missing or unreadable file gives no image (the tile draws a blank canvas).
enum GalleryLoader {
    struct Loaded {
        var image: RasterImage?
        /// The original size in pixels (from images.jsonl, else from the decoded file).
        var size: (width: Double, height: Double)
    }

    static let maxSide = 420

    /// Whether an image is carried as JPEG: photographs are; tiny images (a side of 64 pixels or
    /// less, an 8×8 digit) stay lossless, since JPEG's blocks would blur every pixel of them.
    static func carriesJPEG(width: Int, height: Int) -> Bool { max(width, height) > 64 }

    static func load(_ items: [(name: String, info: EvaluationRun.ImageInfo?)], workers: Int) -> [Loaded] {
        let results = Slots<Loaded>(count: items.count)
        let infos = items.map(\.info)
        DispatchQueue.concurrentPerform(iterations: items.count) { k in
            let info = infos[k]
            var size = (Double(info?.width ?? 0), Double(info?.height ?? 0))
            var image: RasterImage?
            if let path = info?.path, let decoded = try? RasterImage(path: path, maxSide: maxSide) {
                if size.0 <= 0 || size.1 <= 0 {
                    // The decoder may have scaled down; the header gives the true size.
                    size = (Double(decoded.width), Double(decoded.height))
                }
                let small = decoded.downscaled(maxSide: maxSide)
                if carriesJPEG(width: small.width, height: small.height) { small.attachJPEG(quality: 82) }
                image = small
            }
            results[k] = Loaded(image: image, size: size)
        }
        return results.values.map { $0! }
    }
}

/// One slot per parallel task; each task writes only its own slot.
final class Slots<T>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>
    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }
    deinit {
        storage.deinitialize()
        storage.deallocate()
    }
    subscript(k: Int) -> T? {
        get { storage[k] }
        set { storage[k] = newValue }
    }
    var values: [T?] { Array(storage) }
}
