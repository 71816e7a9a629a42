import CCairo
import CImageCodecs

#if canImport(Glibc)
    import Glibc
#endif

/// A decoded bitmap held in a Cairo image surface (ARGB32, premultiplied).
public final class RasterImage: @unchecked Sendable {
    let surface: OpaquePointer
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int

    /// Why an image could not be decoded.
    public struct DecodingError: Error, CustomStringConvertible {
        /// The decoder's reason.
        public var description: String
    }

    /// A blank image, or one filled by `fill(pixelIndex) -> 0xAARRGGBB` (premultiplied).
    public init(width: Int, height: Int, fill: ((Int) -> UInt32)? = nil) {
        self.width = max(1, width)
        self.height = max(1, height)
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(self.width), Int32(self.height))
        guard let fill else { return }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        for y in 0..<self.height {
            let row = (base + y * stride).withMemoryRebound(to: UInt32.self, capacity: self.width) { $0 }
            for x in 0..<self.width { row[x] = fill(y * self.width + x) }
        }
        cairo_surface_mark_dirty(surface)
    }

    /// Decodes JPEG (libjpeg-turbo, scaled down in the decoder when `maxSide` allows) or PNG (libpng).
    public init(encoded bytes: [UInt8], maxSide: Int = 0) throws(DecodingError) {
        var w: Int32 = 0
        var h: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let pixels = bytes.withUnsafeBufferPointer { buffer in
            argus_decode_image(buffer.baseAddress, buffer.count, Int32(maxSide), &w, &h, &message, message.count)
        }
        guard let pixels else {
            throw DecodingError(description: message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        defer { argus_image_free(pixels) }
        width = Int(w)
        height = Int(h)
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h)
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        for y in 0..<height {
            memcpy(base + y * stride, pixels + y * width * 4, width * 4)
        }
        cairo_surface_mark_dirty(surface)
    }

    /// Reads and decodes an image file.
    public convenience init(path: String, maxSide: Int = 0) throws(DecodingError) {
        guard let file = fopen(path, "rb") else { throw DecodingError(description: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        try self.init(encoded: bytes, maxSide: maxSide)
    }

    deinit { cairo_surface_destroy(surface) }

    /// The pixel at (x, y) as 0xAARRGGBB (premultiplied).
    public func pixel(x: Int, y: Int) -> UInt32 {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        return (base + y * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0[x] }
    }

    /// A copy scaled (bilinear) so that its longer side is at most `maxSide`.
    public func downscaled(maxSide: Int) -> RasterImage {
        let longer = max(width, height)
        guard longer > maxSide else { return self }
        let factor = Double(maxSide) / Double(longer)
        return resized(width: Int((Double(width) * factor).rounded()), height: Int((Double(height) * factor).rounded()))
    }

    /// PNG bytes (for embedding in HTML).
    public func pngBytes() -> [UInt8] {
        let sink = ByteSink()
        cairo_surface_write_to_png_stream(surface, ByteSink.write, Unmanaged.passUnretained(sink).toOpaque())
        return sink.bytes
    }
}

/// Collects what a Cairo stream writes.
final class ByteSink {
    var bytes: [UInt8] = []
    static let write: cairo_write_func_t = { closure, data, length in
        let sink = Unmanaged<ByteSink>.fromOpaque(closure!).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }
}

extension RasterImage {
    /// A copy resized to exactly `width` × `height` (bilinear).
    public func resized(width newWidth: Int, height newHeight: Int) -> RasterImage {
        let copy = RasterImage(width: newWidth, height: newHeight)
        let context = cairo_create(copy.surface)!
        cairo_scale(context, Double(copy.width) / Double(width), Double(copy.height) / Double(height))
        cairo_set_source_surface(context, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_GOOD)
        cairo_paint(context)
        cairo_destroy(context)
        return copy
    }
}

extension RasterImage {
    /// Encodes the pixels as JPEG and attaches the bytes to the surface, so that SVG and PDF
    /// output embed the compact JPEG instead of a lossless PNG of a photograph.
    public func attachJPEG(quality: Int = 80) {
        cairo_surface_flush(surface)
        var length = 0
        guard
            let bytes = argus_encode_jpeg(
                cairo_image_surface_get_data(surface), Int32(width), Int32(height),
                cairo_image_surface_get_stride(surface), Int32(quality), &length)
        else { return }
        // Cairo owns the bytes from here and frees them with the surface.
        cairo_surface_set_mime_data(
            surface, CAIRO_MIME_TYPE_JPEG, bytes, UInt(length),
            { argus_image_free($0?.assumingMemoryBound(to: UInt8.self)) },
            bytes)
    }
}
