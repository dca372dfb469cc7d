#include "sim/virtual_run.h"

#include <boost/json.hpp>
#include <deque>
#include <memory>
#include <queue>
#include <vector>

#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "protocol/topics.h"
#include "sim/device_model.h"

namespace lw::sim {
namespace {

using protocol::Channel;

enum class What { heartbeat, fault, traffic, last_will };

struct Scheduled {
  Timestamp at;
  std::uint64_t order;  // ties: first scheduled runs first
  What what;
  std::size_t index;       // device, fault or traffic index
  std::uint64_t epoch{0};  // heartbeat / last will: the device's power epoch when scheduled
  friend bool operator>(const Scheduled& a, const Scheduled& b) {
    return a.at != b.at ? a.at > b.at : a.order > b.order;
  }
};

struct Device {
  std::unique_ptr<DeviceModel> model;
  std::deque<core::DeviceEvent> pending;
  std::uint64_t epoch{0};  // bumped at every power loss and restore
  bool connected{false};
};

/// The fixed key the locks trust when the scenario names none: the protocol's
/// test seed (docs/protocol.md 5.3). No commands are sent in a virtual run.
Result<protocol::PublicKey> hub_key(const Scenario& scenario) {
  if (!scenario.hub.public_key.empty()) return protocol::decode_public_key(scenario.hub.public_key);
  protocol::Seed seed{};
  constexpr std::string_view kSeed = "lockwarden-protocol-v1-test-key!";
  for (std::size_t i = 0; i < seed.size() && i < kSeed.size(); ++i)
    seed[i] = static_cast<unsigned char>(kSeed[i]);
  auto pair = protocol::key_pair_from_seed(seed);
  if (!pair) return pair.error();
  return pair->public_key;
}

class Run {
 public:
  Run(const Scenario& scenario, const VirtualRunOptions& options, TraceSink& trace, LabelSink& labels)
      : scenario_(scenario), options_(options), trace_(trace), labels_(labels), now_(options.start) {}

  Result<VirtualRunStats> run() {
    auto key = hub_key(scenario_);
    if (!key) return key.error();
    for (const ScenarioLock& lock : scenario_.locks) {
      auto model = make_device_model(lock, scenario_.hub.key_id, *key, now_);
      if (!model) return model.error();
      devices_.push_back(Device{std::move(*model), {}, 0, false});
    }
    for (std::size_t i = 0; i < scenario_.faults.size(); ++i) {
      schedule(options_.start + scenario_.faults[i].at, What::fault, i);
    }
    for (std::size_t i = 0; i < scenario_.traffic.size(); ++i) {
      schedule(options_.start + scenario_.traffic[i].start, What::traffic, i);
    }
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      if (devices_[i].model->powered()) connect(i);
    }
    const Timestamp end = options_.start + options_.until;
    while (!queue_.empty() && queue_.top().at <= end) {
      Scheduled next = queue_.top();
      queue_.pop();
      now_ = next.at;
      ++stats_.events_processed;
      dispatch(next);
    }
    for (auto& [index, label] : open_faults_) labels_.label(label);
    stats_.locks = devices_.size();
    return stats_;
  }

 private:
  void schedule(Timestamp at, What what, std::size_t index, std::uint64_t epoch = 0) {
    queue_.push(Scheduled{at, order_++, what, index, epoch});
  }

  void publish(const Device& d, Channel channel, const std::string& payload) {
    trace_.message(now_, protocol::topic_for(d.model->address(), channel), payload);
    ++stats_.messages;
    stats_.payload_bytes += payload.size();
  }

  void connect(std::size_t i) {
    Device& d = devices_[i];
    d.connected = true;
    if (d.model->publishing()) {
      publish(d, Channel::status, protocol::encode_status({true, now_}));
      emit(d, d.model->on_connected(now_));
    }
    schedule(now_ + d.model->heartbeat(), What::heartbeat, i, d.epoch);
  }

  void emit(Device& d, DeviceOutput out) {
    for (auto& e : out.events) d.pending.push_back(std::move(e));
    if (!d.connected || !d.model->publishing()) return;
    if (out.result) publish(d, Channel::result, protocol::encode_result(*out.result));
    if (out.state) publish(d, Channel::state, protocol::encode_state(*out.state));
    if (out.telemetry) publish(d, Channel::telemetry, protocol::encode_telemetry(*out.telemetry));
    while (!d.pending.empty()) {
      publish(d, Channel::event, protocol::encode_event(d.pending.front()));
      d.pending.pop_front();
    }
  }

  void dispatch(const Scheduled& s) {
    switch (s.what) {
      case What::heartbeat: {
        Device& d = devices_[s.index];
        if (s.epoch != d.epoch || !d.model->powered()) return;  // a timer from before a power loss
        emit(d, d.model->tick(now_));
        schedule(now_ + d.model->heartbeat(), What::heartbeat, s.index, d.epoch);
        return;
      }
      case What::last_will: {
        Device& d = devices_[s.index];
        if (s.epoch != d.epoch) return;  // power came back before the broker gave up
        d.connected = false;
        publish(d, Channel::status, std::string(protocol::kLastWillPayload));
        return;
      }
      case What::traffic: {
        const ScenarioTraffic& t = scenario_.traffic[s.index];
        if (Device* d = find(t.lock); d != nullptr && d->model->powered())
          emit(*d, d->model->on_traffic(t, now_));
        if (t.every.count() > 0) schedule(now_ + t.every, What::traffic, s.index);
        return;
      }
      case What::fault: apply_fault(s.index); return;
    }
  }

  void apply_fault(std::size_t fault_index) {
    const ScenarioFault& fault = scenario_.faults[fault_index];
    std::size_t i = index_of(fault.lock);
    if (i == devices_.size()) return;  // the scenario parser checked the reference
    Device& d = devices_[i];
    const bool was_powered = d.model->powered();
    const bool was_publishing = d.model->publishing();
    track_label(fault_index, fault);
    DeviceOutput out = d.model->apply_fault(fault, now_);
    if (was_powered && !d.model->powered()) {
      // No DISCONNECT: the broker notices the silence after 1.5 keep-alives.
      ++d.epoch;
      auto keepalive = std::chrono::milliseconds(d.model->keepalive_s() * 1500);
      schedule(now_ + keepalive, What::last_will, i, d.epoch);
      return;
    }
    if (!was_powered && d.model->powered()) {
      // A reboot before the broker published the Last Will cancels it (the
      // epoch changes): the new connection takes over the old session.
      ++d.epoch;
      connect(i);
      return;
    }
    if (!was_publishing && d.model->publishing() && d.connected) {
      publish(d, Channel::status, protocol::encode_status({true, now_}));
    }
    emit(d, std::move(out));
  }

  /// Opens a label at a fault's onset and closes it at the fault that ends it.
  void track_label(std::size_t fault_index, const ScenarioFault& fault) {
    auto ends = [](FaultKind k) -> std::optional<FaultKind> {
      switch (k) {
        case FaultKind::power_restore: return FaultKind::power_loss;
        case FaultKind::unjam: return FaultKind::jam;
        case FaultKind::resume: return FaultKind::silence;
        default: return std::nullopt;
      }
    };
    if (auto opened = ends(fault.kind)) {
      for (auto it = open_faults_.begin(); it != open_faults_.end(); ++it) {
        if (it->second.lock == fault.lock && it->second.kind == *opened) {
          it->second.ended = now_;
          labels_.label(it->second);
          open_faults_.erase(it);
          return;
        }
      }
      return;
    }
    open_faults_.emplace_back(fault_index, FaultLabel{"f" + std::to_string(fault_index), fault.kind,
                                                      fault.lock, now_, std::nullopt});
  }

  std::size_t index_of(std::string_view lock) const {
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      if (devices_[i].model->address().lock == lock) return i;
    }
    return devices_.size();
  }
  Device* find(std::string_view lock) {
    std::size_t i = index_of(lock);
    return i == devices_.size() ? nullptr : &devices_[i];
  }

  const Scenario& scenario_;
  const VirtualRunOptions& options_;
  TraceSink& trace_;
  LabelSink& labels_;
  Timestamp now_;
  std::vector<Device> devices_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  std::uint64_t order_{0};
  std::vector<std::pair<std::size_t, FaultLabel>> open_faults_;
  VirtualRunStats stats_;
};

}  // namespace

Result<VirtualRunStats> run_virtual(const Scenario& scenario, const VirtualRunOptions& options,
                                    TraceSink& trace, LabelSink& labels) {
  return Run(scenario, options, trace, labels).run();
}

void JsonLinesTrace::message(Timestamp ts, std::string_view topic, std::string_view payload) {
  boost::system::error_code ec;
  boost::json::parse(payload, ec);
  std::string line = "{\"ts_ms\":" + std::to_string(to_epoch_ms(ts)) +
                     ",\"topic\":" + boost::json::serialize(boost::json::string(topic)) + ",\"payload\":";
  line += ec ? boost::json::serialize(boost::json::string(payload)) : std::string(payload);
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), out_);
}

void JsonLinesLabels::label(const FaultLabel& l) {
  std::string line = "{\"id\":\"" + l.id + "\",\"fault\":\"" + std::string(to_string(l.kind)) +
                     "\",\"lock\":\"" + l.lock + "\",\"onset_ms\":" + std::to_string(to_epoch_ms(l.onset)) +
                     ",\"ended_ms\":" + (l.ended ? std::to_string(to_epoch_ms(*l.ended)) : "null") + "}\n";
  std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace lw::sim
