// A mock Z-Wave network for zwave-js's `mock-server`: the controller and one
// door lock (node 2: Door Lock v4 with auto-relock, User Code, Battery, Notification). The test
// drives the lock through a small HTTP control port (LW_ZWAVE_MOCK_CONTROL):
//   POST /ready                  answers 200 once the mock runs
//   POST /battery/<pct>          a new battery level, reported unsolicited
//   POST /mode/<mode>            the bolt moved by hand: Door Lock currentMode
//   POST /notify/<type>/<event>[/<user>]  a Notification report (6/11: jammed)
//   POST /silent, POST /answer   the node stops (starts) answering: it dies
//   POST /usercode/<slot>        answers "<userIdStatus> <userCode>": what the
//                                lock holds in that User Code slot
//   POST /relock[/<seconds>]     answers the Door Lock autoRelockTime the lock
//                                keeps; with <seconds>, it is set first (at the
//                                lock itself: a reset, or its own menu)
// Format of this file: zwave-js bin/mock-server.cjs (a function of `require`
// returning {controller, nodes:[{id, capabilities, behaviors}], onInit}).
const http = require("node:http");

module.exports.default = function ({ require }) {
  const { CommandClasses } = require("@zwave-js/core");
  const { BatteryCCGet, BatteryCCReport } = require("@zwave-js/cc/BatteryCC");
  const { NotificationCCReport } = require("@zwave-js/cc/NotificationCC");
  const { DoorLockCCOperationReport } = require("@zwave-js/cc/DoorLockCC");
  const { createMockZWaveRequestFrame } = require("@zwave-js/testing");
  const { Duration } = require("@zwave-js/core");

  const answerBattery = {
    handleCC(controller, self, cc) {
      if (cc instanceof BatteryCCGet) {
        return {
          action: "sendCC",
          cc: new BatteryCCReport({ nodeId: controller.ownNodeId, level: self.state.get("battery") ?? 87 }),
        };
      }
    },
  };
  // While silent the node neither acknowledges nor answers anything.
  const silence = {
    handleCC(controller, self) {
      if (self.state.get("silent")) return { action: "stop" };
    },
  };

  // The mock-server hands each TCP chunk to its controller as one Serial API
  // message, but the driver writes an ACK or NAK and its next frame back to
  // back, and on loopback they arrive as one chunk ("does not start with
  // SOF"). This controller hook splits a chunk into its frames: ACK (06), NAK
  // (15) and CAN (18) are one byte; a frame is SOF (01), a length byte and
  // that many bytes more.
  const oneFramePerChunk = {
    onHostData(controller, data) {
      if (data.length <= 1 || (data[0] === 0x01 && data.length === data[1] + 2)) return false;
      let rest = data;
      while (rest.length > 0) {
        if (rest[0] !== 0x01) {
          void controller.serialOnData(rest[0]);
          rest = rest.subarray(1);
          continue;
        }
        const n = rest.length >= 2 ? rest[1] + 2 : rest.length;
        void controller.serialOnData(rest.subarray(0, n));
        rest = rest.subarray(n);
      }
      return true;
    },
  };

  function unsolicited(node, cc) {
    return node.sendToController(createMockZWaveRequestFrame(cc, { ackRequested: false }));
  }

  function control(controller, node) {
    const port = Number(process.env.LW_ZWAVE_MOCK_CONTROL || 0);
    if (!port) return;
    http
      .createServer(async (req, res) => {
        const parts = req.url.split("/").filter(Boolean);
        const n = parts.slice(1).map(Number);
        try {
          if (parts[0] === "ready") {
            // nothing: the control port answers
          } else if (parts[0] === "battery") {
            node.state.set("battery", n[0]);
            await unsolicited(node, new BatteryCCReport({ nodeId: controller.ownNodeId, level: n[0] }));
          } else if (parts[0] === "mode") {
            node.state.set("DoorLock_currentMode", n[0]);
            const all = [true, true, true, true];
            await unsolicited(
              node,
              new DoorLockCCOperationReport({
                nodeId: controller.ownNodeId,
                currentMode: n[0],
                targetMode: n[0],
                outsideHandlesCanOpenDoor: all,
                insideHandlesCanOpenDoor: all,
                duration: new Duration(0, "seconds"),
              }),
            );
          } else if (parts[0] === "notify") {
            await unsolicited(
              node,
              new NotificationCCReport({
                nodeId: controller.ownNodeId,
                notificationType: n[0],
                notificationEvent: n[1],
                eventParameters: parts.length > 3 ? Uint8Array.from([n[2]]) : undefined,
              }),
            );
          } else if (parts[0] === "usercode") {
            const status = node.state.get(`UserCode_userIdStatus_${n[0]}`) ?? 0;
            const code = node.state.get(`UserCode_userCode_${n[0]}`) ?? "";
            res.writeHead(200).end(`${status} ${code}`);
            return;
          } else if (parts[0] === "relock") {
            if (parts.length > 1) node.state.set("DoorLock_autoRelockTime", n[0]);
            res.writeHead(200).end(String(node.state.get("DoorLock_autoRelockTime") ?? ""));
            return;
          } else if (parts[0] === "silent" || parts[0] === "answer") {
            const silent = parts[0] === "silent";
            node.state.set("silent", silent);
            node.autoAckControllerFrames = !silent;
          } else {
            res.writeHead(404).end("unknown control\n");
            return;
          }
          res.writeHead(200).end("ok\n");
        } catch (e) {
          res.writeHead(500).end(String(e) + "\n");
        }
      })
      .listen(port, "127.0.0.1", () => console.log(`control on 127.0.0.1:${port}`));
  }

  return {
    controller: { behaviors: [oneFramePerChunk] },
    nodes: [
      {
        id: 2,
        capabilities: {
          genericDeviceClass: 0x40, // Entry Control
          specificDeviceClass: 0x03, // Secure Keypad Door Lock
          commandClasses: [
            CommandClasses.Version,
            CommandClasses["Manufacturer Specific"],
            { ccId: CommandClasses["Door Lock"], version: 4, autoRelockSupported: true },
            { ccId: CommandClasses["User Code"], version: 1, numUsers: 10 },
            { ccId: CommandClasses.Battery, version: 1 },
            {
              ccId: CommandClasses.Notification,
              version: 8,
              supportsV1Alarm: false,
              notificationTypesAndEvents: { 6: [1, 2, 5, 6, 11] },
            },
          ],
        },
        behaviors: [silence, answerBattery],
      },
    ],
    onInit(controller, nodes) {
      nodes[0].state.set("DoorLock_autoRelockTime", 0); // the lock's default: off
      control(controller, nodes[0]);
    },
  };
};
