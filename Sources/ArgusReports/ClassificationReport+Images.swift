import ArgusCharts
import ArgusCore
import ArgusIO
import ArgusMetrics
import ArgusResults
import Foundation

/// The images: the most confident mistakes, and the explanations (attribution grids).
extension ClassificationReport {
    static func gallerySection(_ run: EvaluationRun, options: Options) -> ReportDocument.Section? {
        guard let records = run.classifications, options.galleryImages > 0 else { return nil }
        // Wrong predictions, most confident first (ties by image name).
        let wrong = records.filter { !$0.correct }.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.image < $1.image
        }
        guard !wrong.isEmpty else { return nil }
        let picks = Array(wrong.prefix(options.galleryImages))
        let loaded = GalleryLoader.load(picks.map { ($0.image, run.images[$0.image]) }, workers: 8)
        var figures: [ReportDocument.Figure] = []
        var blank = 0
        for (k, record) in picks.enumerated() {
            let tile = loaded[k]
            if tile.image == nil { blank += 1 }
            let size = tile.size.width > 0 ? tile.size : (1, 1)
            let drawing = ImageTile(
                title: "true \(record.label) → predicted \(record.predicted)",
                note:
                    "\((record.image as NSString).lastPathComponent) · confidence \(formatNumber(record.score, digits: 3))",
                image: tile.image, imageSize: size, marks: [], side: 150)
            figures.append(
                .init(
                    id: "gallery_\(k)", drawing: drawing,
                    data: .object([
                        ("image", .string(record.image)), ("label", .string(record.label)),
                        ("predicted", .string(record.predicted)),
                        ("score", .number(record.score)), ("image_file_found", .bool(tile.image != nil)),
                        ("labels", .strings(Array(Set([record.label, record.predicted])).sorted())),
                        ("boxes", .array([])),
                    ])))
        }
        var blocks: [ReportDocument.Block] = [
            .paragraph(
                "The \(figures.count) most confident wrong predictions (of \(wrong.count) wrong in \(records.count) images)."
            )
        ]
        if blank > 0 {
            blocks.append(
                .paragraph(
                    "\(blank) image files were not found or could not be read: a blank canvas stands in for them."))
        }
        blocks.append(.grid(figures))
        return .init(id: "gallery", title: "Gallery: the most confident mistakes", blocks: blocks)
    }

    /// The 2×2 attribution grids of the first predictions that carry `attributions` or
    /// `visualizations` (read from the predictions file named in metrics.json).
    static func explanationSection(_ run: EvaluationRun, options: Options) -> ReportDocument.Section? {
        let given = run.metrics.inputs.predictions
        let candidates = [given, EvaluationRun.join(run.folder, given), EvaluationRun.join(run.folder + "/..", given)]
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
            let bytes = try? PaddedBytes(contentsOfFile: path)
        else { return nil }
        // Images are named relative to the predictions file, or (predictions written elsewhere) to the ground truth.
        let truth = run.metrics.inputs.groundTruth
        let truthPath = [truth, EvaluationRun.join(run.folder, truth), EvaluationRun.join(run.folder + "/..", truth)]
            .first { FileManager.default.fileExists(atPath: $0) }
        let folders = [PathTools.folder(of: path)] + (truthPath.map { [PathTools.folder(of: $0)] } ?? [])
        func image(_ name: String) -> RasterImage? {
            for folder in folders {
                if let local = ImageLocator(baseFolder: folder).localPath(name),
                    FileManager.default.fileExists(atPath: local)
                {
                    return try? RasterImage(path: local)
                }
            }
            return nil
        }
        var figures: [ReportDocument.Figure] = []
        let document = JSONDocument()
        bytes.forEachLine { line, _ in
            guard figures.count < options.explanations, line.count > 2 else { return }
            // Cheap test before parsing: does the line mention explanations at all?
            let text = UnsafeRawBufferPointer(line)
            guard contains(text, "attributions") || contains(text, "visualizations") else { return }
            _ = document.parse(line.baseAddress!, length: line.count) { row in
                let name = row["filename"]?.string ?? row["image_url"]?.string ?? "image \(figures.count + 1)"
                let labels = row["labels"]?.elements.compactMap(\.string) ?? []
                let probs = row["probs"]?.doubles ?? []
                let top = probs.indices.max { probs[$0] < probs[$1] }
                let predicted =
                    top.map {
                        "\(labels.indices.contains($0) ? labels[$0] : "?") (\(formatNumber(probs[$0], digits: 3)))"
                    } ?? ""
                let input = image(name)
                if let attributions = row["attributions"], let grid = attributionMap(attributions) {
                    let drawing = AttributionGrid(
                        title: (name as NSString).lastPathComponent,
                        note: "predicted \(predicted) · \(method(row))",
                        input: input, attribution: grid.values, columns: grid.columns)
                    figures.append(
                        .init(
                            id: "explanation_\(figures.count)", drawing: drawing,
                            data: .object([
                                ("image", .string(name)), ("rows", .integer(grid.values.count / max(1, grid.columns))),
                                ("columns", .integer(grid.columns)),
                                ("top_30_percent_threshold", .number(drawing.topThreshold)),
                            ])))
                } else if let encoded = row["visualizations"]?.string, let png = Base64.decode(encoded),
                    let picture = try? RasterImage(encoded: png)
                {
                    let drawing = ImageTile(
                        title: (name as NSString).lastPathComponent,
                        note: "predicted \(predicted) · the service's visualisation",
                        image: picture, imageSize: (Double(picture.width), Double(picture.height)), marks: [], side: 300
                    )
                    figures.append(
                        .init(
                            id: "explanation_\(figures.count)", drawing: drawing,
                            data: .object([("image", .string(name)), ("visualization", .bool(true))])))
                }
            }
        }
        guard !figures.isEmpty else { return nil }
        return .init(
            id: "explanations", title: "Explanations",
            blocks: [
                .paragraph(
                    "Input | attribution (summed over channels) on the blue-green-yellow-white scale (white = most positive) / blended over the input | the input's top 30% of pixels by attribution."
                ),
                .grid(figures),
            ])
    }

    /// The attribution method a prediction names (`xai_algorithm`, the AutoML setting's name, or
    /// `attribution_method`), in words.
    static func method(_ row: JSONValue) -> String {
        let name = row["xai_algorithm"]?.string ?? row["attribution_method"]?.string
        return name ?? "method not stated"
    }

    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard haystack.count >= n.count else { return false }
        var i = 0
        while i <= haystack.count - n.count {
            if haystack[i] == n[0] && (1..<n.count).allSatisfy({ haystack[i + $0] == n[$0] }) { return true }
            i += 1
        }
        return false
    }

    /// `[channels, rows, columns]` (or `[rows, columns]`) summed over channels; for multi-label
    /// (a list of such arrays) the first.
    static func attributionMap(_ value: JSONValue) -> (values: [Double], columns: Int)? {
        func depth(_ v: JSONValue) -> Int {
            v.kind == .array ? 1 + (v.elements.first(where: { _ in true }).map(depth) ?? 0) : 0
        }
        var v = value
        if depth(v) == 4, let first = v.elements.first(where: { _ in true }) { v = first }
        let channels: [JSONValue] = depth(v) == 3 ? Array(v.elements) : (depth(v) == 2 ? [v] : [])
        guard let first = channels.first else { return nil }
        let rows = Array(first.elements)
        guard let columns = rows.first?.count, columns > 0 else { return nil }
        var sum = [Double](repeating: 0, count: rows.count * columns)
        for channel in channels {
            for (r, row) in channel.elements.enumerated() where r < rows.count {
                for (c, x) in row.elements.enumerated() where c < columns { sum[r * columns + c] += x.double ?? 0 }
            }
        }
        return (sum, columns)
    }
}
