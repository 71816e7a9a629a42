// Drives a report page in Debian's Chromium over the DevTools protocol, as a person would: real
// (trusted) mouse clicks and key presses, then reads values back from the page.
//
//   node --experimental-websocket scripts/drive_page.js PAGE.html ACTIONS.json
//
// ACTIONS.json is a list, done in order:
//   {"click": "css selector"}                        the element's centre, scrolled into view
//   {"clickSVG": "css selector", "x": X, "y": Y}     a point of an <svg> in its own units
//   {"keys": "ArrowRight", "times": N, "on": "css"}  N key presses on a focused element
//   {"read": "JavaScript expression"}                its value, into the output's "values"
// Prints one JSON line: {"values": [...], "errors": [...]}: every uncaught exception, console
// error and error log entry of the page.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const [page, actionsFile] = process.argv.slice(2);
const actions = JSON.parse(fs.readFileSync(actionsFile, "utf8"));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "drive-page-"));
const browser = spawn("chromium", [
  "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", "--window-size=1280,900",
  "--user-data-dir=" + profile, "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });

function finish(code, output) {
  if (output) console.log(JSON.stringify(output));
  // The profile goes once Chromium has exited (it writes there until it does).
  const done = () => {
    try { fs.rmSync(profile, { recursive: true, force: true }); } catch (_) { /* a temporary folder */ }
    process.exit(code);
  };
  if (browser.exitCode !== null || browser.signalCode !== null) return done();
  browser.once("exit", done);
  browser.kill("SIGKILL");
}
setTimeout(() => { console.error("drive_page: timed out"); finish(2); }, 60000);

let buffered = "";
browser.stderr.on("data", chunk => {
  buffered += chunk;
  const found = /DevTools listening on (ws:\/\/\S+)/.exec(buffered);
  if (found && !drive.started) {
    drive.started = true;
    drive(found[1]).catch(error => { console.error("drive_page: " + error.stack); finish(1); });
  }
});

async function drive(address) {
  const socket = new WebSocket(address);
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  let next = 0;
  const waiting = new Map();
  const listeners = [];
  const errors = [];
  socket.onmessage = message => {
    const data = JSON.parse(message.data);
    if (data.id !== undefined && waiting.has(data.id)) {
      const { resolve, reject } = waiting.get(data.id);
      waiting.delete(data.id);
      if (data.error) reject(new Error(JSON.stringify(data.error))); else resolve(data.result);
      return;
    }
    const params = data.params || {};
    if (data.method === "Runtime.exceptionThrown") {
      const details = params.exceptionDetails || {};
      errors.push((details.exception && details.exception.description) || details.text || "exception");
    }
    if (data.method === "Runtime.consoleAPICalled" && params.type === "error") {
      errors.push("console.error: " + params.args.map(a => a.value !== undefined ? a.value : a.description).join(" "));
    }
    if (data.method === "Log.entryAdded" && params.entry.level === "error") errors.push("log: " + params.entry.text);
    for (const listener of listeners.slice()) listener(data);
  };
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = ++next;
    waiting.set(id, { resolve, reject });
    socket.send(JSON.stringify(sessionId ? { id, method, params, sessionId } : { id, method, params }));
  });
  const event = (method) => new Promise(resolve => {
    const listener = data => {
      if (data.method === method) { listeners.splice(listeners.indexOf(listener), 1); resolve(data.params); }
    };
    listeners.push(listener);
  });

  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const call = (method, params) => send(method, params, sessionId);
  for (const domain of ["Page", "Runtime", "Log"]) await call(domain + ".enable");
  const loaded = event("Page.loadEventFired");
  await call("Page.navigate", { url: "file://" + path.resolve(page) });
  await loaded;
  const evaluate = async (expression) => {
    const reply = await call("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (reply.exceptionDetails) throw new Error("evaluating " + expression + ": " + reply.exceptionDetails.text);
    return reply.result.value;
  };
  const settle = () => evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
  const press = async (x, y) => {
    for (const type of ["mouseMoved", "mousePressed", "mouseReleased"]) {
      await call("Input.dispatchMouseEvent", { type, x, y, button: "left", clickCount: 1 });
    }
    await settle();
  };
  const values = [];
  for (const action of actions) {
    if (action.click !== undefined) {
      const at = await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(action.click)});
        e.scrollIntoView({ block: "center" }); const r = e.getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2]; })()`);
      await press(at[0], at[1]);
    } else if (action.clickSVG !== undefined) {
      const at = await evaluate(`(() => { const svg = document.querySelector(${JSON.stringify(action.clickSVG)});
        svg.scrollIntoView({ block: "center" }); const p = svg.createSVGPoint(); p.x = ${action.x}; p.y = ${action.y};
        const s = p.matrixTransform(svg.getScreenCTM()); return [s.x, s.y]; })()`);
      await press(at[0], at[1]);
    } else if (action.keys !== undefined) {
      await evaluate(`document.querySelector(${JSON.stringify(action.on)}).focus()`);
      const codes = { ArrowRight: 39, ArrowLeft: 37 };
      for (let i = 0; i < (action.times || 1); i++) {
        for (const type of ["keyDown", "keyUp"]) {
          await call("Input.dispatchKeyEvent",
            { type, key: action.keys, code: action.keys, windowsVirtualKeyCode: codes[action.keys] || 0 });
        }
      }
      await settle();
    } else if (action.read !== undefined) {
      values.push(await evaluate(action.read));
    }
  }
  await send("Browser.close").catch(() => {});
  finish(0, { values, errors });
}
