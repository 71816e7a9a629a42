#ifndef ARGUS_CSIMDJSON_H
#define ARGUS_CSIMDJSON_H
// A small C interface over Debian's simdjson (DOM API). Swift walks the parsed
// document's tape directly (see simdjson's doc/tape.md for the layout).
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ArgusJSONParser ArgusJSONParser;

ArgusJSONParser *argus_json_parser_create(void);
void argus_json_parser_destroy(ArgusJSONParser *parser);

/// Parses `length` bytes at `data`. `data` must stay readable for
/// `length + argus_json_padding()` bytes. Returns 0 or a simdjson error code.
int argus_json_parse(ArgusJSONParser *parser, const char *data, size_t length);

/// The tape and the string buffer of the last successful parse.
const uint64_t *argus_json_tape(const ArgusJSONParser *parser);
const uint8_t *argus_json_strings(const ArgusJSONParser *parser);

/// A human-readable message for a simdjson error code.
const char *argus_json_error_message(int code);

/// The number of readable bytes simdjson needs after the end of the input.
size_t argus_json_padding(void);

/// Returns the parser's allocated capacity in bytes (for memory accounting).
size_t argus_json_capacity(const ArgusJSONParser *parser);

/// Releases the parser's buffers while keeping the parser usable.
void argus_json_parser_shrink(ArgusJSONParser *parser);

#ifdef __cplusplus
}
#endif
#endif
