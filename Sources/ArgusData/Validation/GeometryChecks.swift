import ArgusCore
import ArgusIO
import ArgusMasks

/// Checks of one box or polygon, shared by every reader so that each reports with its own location.
enum GeometryChecks {
    /// Normalised coordinates may pass 0 or 1 by this much: files written with 6 decimals
    /// (YOLO, the peers' relative layouts) put `cx + w/2` up to 5e-7 past the edge.
    static let tolerance = 1e-6

    /// Boxes must be ordered, and in [0, 1] when normalised (in the image when its size is known).
    /// Predicted boxes may reach past the image (detectors do that): for them it is a warning.
    static func check(
        box: Box, space: CoordinateSpace, imageWidth: Int?, imageHeight: Int?, isPrediction: Bool = false,
        field name: @autoclosure () -> String, at location: SourceLocation, into diagnostics: inout Diagnostics
    ) {
        // The field's name and the box's text are written only for a message.
        let values = (box.minX, box.minY, box.maxX, box.maxY)
        if !(values.0.isFinite && values.1.isFinite && values.2.isFinite && values.3.isFinite) {
            diagnostics.error(location, field: name(), "box has a non-finite coordinate")
            return
        }
        if box.minX > box.maxX || box.minY > box.maxY {
            diagnostics.error(
                location, field: name(),
                "box is inverted (\(fmt(box.minX)), \(fmt(box.minY))) – (\(fmt(box.maxX)), \(fmt(box.maxY)))")
        } else if box.width == 0 || box.height == 0 {
            diagnostics.warning(location, field: name(), "box has zero area")
        }
        switch space {
        case .normalized:
            let inside = { (v: Double) in v >= -tolerance && v <= 1 + tolerance }
            if !(inside(values.0) && inside(values.1) && inside(values.2) && inside(values.3)) {
                if isPrediction {
                    diagnostics.warning(
                        location, field: name(),
                        "predicted box reaches outside the image: (\(fmt(box.minX)), \(fmt(box.minY)), \(fmt(box.maxX)), \(fmt(box.maxY)))"
                    )
                    return
                }
                diagnostics.error(
                    location, field: name(),
                    "box coordinates must be normalised to [0, 1], got (\(fmt(box.minX)), \(fmt(box.minY)), \(fmt(box.maxX)), \(fmt(box.maxY)))"
                )
            }
        case .pixels:
            if box.width < 0 || box.height < 0 {
                if !(box.minX > box.maxX || box.minY > box.maxY) {
                    diagnostics.error(location, field: name(), "box has a negative width or height")
                }
            }
            guard let width = imageWidth.map(Double.init), let height = imageHeight.map(Double.init) else { break }
            var box4: String { "(\(fmt(box.minX)), \(fmt(box.minY)), \(fmt(box.maxX)), \(fmt(box.maxY)))" }
            if box.maxX <= 0 || box.maxY <= 0 || box.minX >= width || box.minY >= height {
                diagnostics.error(
                    location, field: name(), "box \(box4) lies wholly outside the \(fmt(width))×\(fmt(height)) image")
            } else if box.minX < -pixelTolerance || box.minY < -pixelTolerance || box.maxX > width + pixelTolerance
                || box.maxY > height + pixelTolerance
            {
                // pycocotools accepts these; the AutoML converters clip them.
                diagnostics.warning(
                    location, field: name(),
                    "box \(box4) reaches outside the \(fmt(width))×\(fmt(height)) image")
            }
        }
    }

    /// Rings need an even number of coordinates and at least 3 points.
    /// How far outside the image (in pixels) a pixel box may reach without a warning.
    static let pixelTolerance = 1.0

    /// Rings need an even number of coordinates and at least 3 points; with the image's size,
    /// pixel points must lie within `MaskOperations.farLimit` image sizes of it (rasterising a polygon costs its
    /// perimeter, so coordinates of 1e9 would take gigabytes).
    static func check(
        rings: [[Double]], space: CoordinateSpace, imageWidth: Int? = nil, imageHeight: Int? = nil,
        field name: @autoclosure () -> String, at location: SourceLocation, into diagnostics: inout Diagnostics
    ) {
        // The field's name is written only for a message.
        if rings.isEmpty { diagnostics.error(location, field: name(), "polygon has no rings") }
        for (index, ring) in rings.enumerated() {
            var ringField: String { rings.count > 1 || name().hasSuffix("]") ? "\(name())[\(index)]" : name() }
            if ring.count % 2 != 0 {
                diagnostics.error(
                    location, field: ringField, "polygon has an odd number of coordinates (\(ring.count))")
            } else if ring.count < 6 {
                diagnostics.error(location, field: ringField, "polygon has fewer than 3 points (\(ring.count / 2))")
            }
            if ring.contains(where: { !$0.isFinite }) {
                diagnostics.error(location, field: ringField, "polygon has a non-finite coordinate")
            } else if space == .normalized, ring.contains(where: { $0 < -tolerance || $0 > 1 + tolerance }) {
                diagnostics.error(location, field: ringField, "polygon coordinates must be normalised to [0, 1]")
            } else if space == .pixels, let width = imageWidth, let height = imageHeight,
                let point = MaskOperations.farPoint([ring], width: Double(width), height: Double(height))
            {
                diagnostics.error(
                    location, field: ringField,
                    "polygon point (\(fmt(point.0)), \(fmt(point.1))) lies far outside the \(width)×\(height) image")
            } else if space == .pixels, ring.contains(where: { abs($0) > maximumPixelCoordinate }) {
                diagnostics.error(
                    location, field: ringField,
                    "polygon coordinates beyond ±\(Int(maximumPixelCoordinate)) pixels cannot be rasterised")
            }
        }
    }

    /// The largest pixel coordinate accepted where the image size is unknown.
    static let maximumPixelCoordinate = 1_000_000.0

    static func fmt(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
