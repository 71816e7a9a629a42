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
  // A document larger than the buffers grows them with room to spare: the slices of one list vary
  // in size, and buffers regrown at each new largest one would be given back and faulted in anew.
  auto &dom = parser->parser;
  // (The parser's own buffers and its document's are grown apart.)
  if ((length > dom.capacity() || length > dom.doc.capacity()) && length <= dom.max_capacity()) {
    size_t grown = length + length / 4;
    if (grown > dom.max_capacity()) grown = dom.max_capacity();
    auto error = dom.capacity() < length ? dom.allocate(grown, dom.max_depth()) : simdjson::SUCCESS;
    if (!error && dom.doc.capacity() < length) error = dom.doc.allocate(grown);
    if (error) return static_cast<int>(error);
  }
  auto result = dom.parse(data, length, false);
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
