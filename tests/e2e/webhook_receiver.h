// A tiny HTTP receiver for webhook deliveries in end-to-end tests.
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lw::e2e {

/// A tiny HTTP receiver on a loopback port: it answers every POST with the
/// status it is told (503 until told otherwise) and keeps what it was sent.
class WebhookReceiver {
  using tcp = boost::asio::ip::tcp;

 public:
  struct Received {
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    int answered{0};
    std::chrono::steady_clock::time_point at;
  };

  WebhookReceiver() : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~WebhookReceiver() {
    io_.stop();
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) +
           "/hooks/lockwarden?src=e2e";
  }
  void answer(int status) { status_ = status; }
  std::vector<Received> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  void accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec) return;
      serve(std::move(socket));
      accept();
    });
  }
  void serve(tcp::socket socket) {
    boost::system::error_code ec;
    boost::beast::flat_buffer buffer;
    boost::beast::http::request<boost::beast::http::string_body> req;
    boost::beast::http::read(socket, buffer, req, ec);
    if (ec) return;
    Received r;
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      r.headers[name] = std::string(field.value());
    }
    r.headers[":target"] = std::string(req.target());
    r.body = req.body();
    r.answered = status_;
    r.at = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mutex_);
      received_.push_back(r);
    }
    boost::beast::http::response<boost::beast::http::string_body> res{
        static_cast<boost::beast::http::status>(r.answered), 11};
    res.set(boost::beast::http::field::connection, "close");
    res.body() = r.answered == 200 ? "ok" : "try later";
    res.prepare_payload();
    boost::beast::http::write(socket, res, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<int> status_{503};
  std::mutex mutex_;
  std::vector<Received> received_;
};

}  // namespace lw::e2e
