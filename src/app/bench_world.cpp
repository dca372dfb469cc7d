#include "app/bench_world.h"

#include "adapters/toml/strict_table.h"

namespace lw::app {

Result<BenchSetup> bench_setup(const std::string& scenario, const std::string& until) {
  auto s = sim::load_scenario(scenario);
  if (!s) return s.error();
  auto span = adapters::parse_duration(until);
  if (!span) return invalid_argument("--until", span.error().message);
  if (*span <= Duration::zero()) return invalid_argument("--until", "must be positive");
  auto key = protocol::key_pair_from_text_seed("lockwarden-protocol-v1-test-key!");
  if (!key) return key.error();
  BenchSetup setup{std::move(*s), from_epoch_ms(1'767'225'600'000), {}, key->public_key};
  setup.end = setup.start + *span;
  return setup;
}

Result<void> run_world(const BenchSetup& setup, sim::TraceSink& trace, sim::LabelSink& labels,
                       const std::function<void(Timestamp, sim::WorldEngine&)>& tick) {
  auto world = sim::WorldEngine::create(setup.scenario, setup.start, setup.key, trace, labels);
  if (!world) return world.error();
  for (Timestamp t = setup.start; t <= setup.end; t += std::chrono::seconds(1)) {
    (*world)->advance_to(t);
    tick(t, **world);
  }
  (*world)->finish();
  return ok();
}

}  // namespace lw::app
