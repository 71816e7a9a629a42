import CCairo
import CJPEG
import CPNG
import Testing

/// The system libraries link and are the versions the code is written for.
@Suite struct SystemLibrariesTests {
    @Test func cairoDrawsToAnImage() {
        #expect(cairo_version() >= 11600)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4)
        let context = cairo_create(surface)
        cairo_set_source_rgb(context, 1, 0, 0)
        cairo_paint(context)
        cairo_surface_flush(surface)
        let pixel = cairo_image_surface_get_data(surface)!.withMemoryRebound(to: UInt32.self, capacity: 1) {
            $0.pointee
        }
        #expect(pixel == 0xFFFF_0000)
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    @Test func pngAndJPEGAreThere() {
        #expect(png_access_version_number() >= 10600)
        var info = jpeg_decompress_struct()
        var errors = jpeg_error_mgr()
        info.err = jpeg_std_error(&errors)
        jpeg_CreateDecompress(&info, JPEG_LIB_VERSION, MemoryLayout<jpeg_decompress_struct>.size)
        jpeg_destroy_decompress(&info)
        #expect(JPEG_LIB_VERSION >= 62)
    }
}
