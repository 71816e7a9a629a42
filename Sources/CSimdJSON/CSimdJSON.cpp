#include "CSimdJSON.h"
#include <simdjson.h>
#include <new>

struct ArgusJSONParser {
  simdjson::dom::parser parser;
};

extern "C" {

ArgusJSONParser *argus_json_parser_create(void) {
  return new (std::nothrow) ArgusJSONParser();
}

void argus_json_parser_destroy(ArgusJSONParser *parser) { delete parser; }

int argus_json_parse(ArgusJSONParser *parser, const char *data, size_t length) {
  auto result = parser->parser.parse(data, length, false);
  return static_cast<int>(result.error());
}

const uint64_t *argus_json_tape(const ArgusJSONParser *parser) {
  return parser->parser.doc.tape.get();
}

const uint8_t *argus_json_strings(const ArgusJSONParser *parser) {
  return parser->parser.doc.string_buf.get();
}

const char *argus_json_error_message(int code) {
  return simdjson::error_message(static_cast<simdjson::error_code>(code));
}

size_t argus_json_padding(void) { return simdjson::SIMDJSON_PADDING; }

size_t argus_json_capacity(const ArgusJSONParser *parser) {
  return parser->parser.capacity();
}

void argus_json_parser_shrink(ArgusJSONParser *parser) {
  parser->parser = simdjson::dom::parser();
}

}
