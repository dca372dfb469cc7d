// zwave-server's driver options (its --config): a cache directory of the
// test's own (LW_ZWAVE_CACHE), no log files, and a fixed S0 key (the mock
// lock is not secure; zwave-server requires the key).
module.exports = {
  securityKeys: { S0_Legacy: "0102030405060708090a0b0c0d0e0f10" },
  storage: { cacheDir: process.env.LW_ZWAVE_CACHE || "./cache" },
  logConfig: { enabled: false },
};
