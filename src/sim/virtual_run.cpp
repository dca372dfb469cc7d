#include "sim/virtual_run.h"

#include <string>

#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "sim/world_engine.h"

namespace lw::sim {
namespace {

/// The fixed key the locks trust when the scenario names none: the protocol's
/// test seed (docs/protocol.md 5.3). No commands are sent in a virtual run.
Result<protocol::PublicKey> hub_key(const Scenario& scenario) {
  if (!scenario.hub.public_key.empty()) return protocol::decode_public_key(scenario.hub.public_key);
  auto pair = protocol::key_pair_from_text_seed("lockwarden-protocol-v1-test-key!");
  if (!pair) return pair.error();
  return pair->public_key;
}

}  // namespace

Result<VirtualRunStats> run_virtual(const Scenario& scenario, const VirtualRunOptions& options,
                                    TraceSink& trace, LabelSink& labels) {
  auto key = hub_key(scenario);
  if (!key) return key.error();
  auto world = WorldEngine::create(scenario, options.start, *key, trace, labels);
  if (!world) return world.error();
  (*world)->advance_to(options.start + options.until);
  (*world)->finish();
  return (*world)->stats();
}

void JsonLinesTrace::message(Timestamp ts, std::string_view topic, std::string_view payload, bool json) {
  line_.clear();
  line_ += "{\"ts_ms\":";
  line_ += std::to_string(to_epoch_ms(ts));
  line_ += ",\"topic\":";
  protocol::append_json_string(line_, topic);
  line_ += ",\"payload\":";
  if (json) {
    line_ += payload;
  } else {
    protocol::append_json_string(line_, payload);
  }
  line_ += "}\n";
  std::fwrite(line_.data(), 1, line_.size(), out_);
}

void JsonLinesLabels::label(const FaultLabel& l) {
  std::string line = "{\"id\":";
  protocol::append_json_string(line, l.id);
  line += ",\"kind\":";
  protocol::append_json_string(line, l.kind);
  line += ",\"target\":";
  protocol::append_json_string(line, l.target);
  line += ",\"devices\":[";
  for (std::size_t i = 0; i < l.devices.size(); ++i) {
    if (i > 0) line += ',';
    protocol::append_json_string(line, l.devices[i]);
  }
  line += "],\"onset_ms\":" + std::to_string(to_epoch_ms(l.onset)) + ",\"fix\":";
  if (l.fixed) {
    protocol::append_json_string(line, l.fix);
  } else {
    line += "null";
  }
  line += ",\"fixed_ms\":" + (l.fixed ? std::to_string(to_epoch_ms(*l.fixed)) : std::string("null")) + "}\n";
  std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace lw::sim
