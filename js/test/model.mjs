// A stand-in for anywidget's model object (get / on / off / send), driven by the test.
export class Model {
  constructor(state = {}) {
    this.state = { header: {}, usage: {}, error: {}, status: null, finished: false, uid: "", cancellable: false, stop_hint: "", ...state };
    this.handlers = new Map();
    this.sent = [];
  }
  get(name) { return this.state[name]; }
  set(name, value) {
    this.state[name] = value;
    for (const fn of this.handlers.get(`change:${name}`) || []) fn();
  }
  on(name, fn) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(fn);
  }
  off(name, fn) { this.handlers.get(name)?.delete(fn); }
  send(msg) { this.sent.push(msg); }
  /** deliver a custom message from "Python" (JSON round trip, as on the wire) */
  custom(msg) {
    for (const fn of this.handlers.get("msg:custom") || []) fn(JSON.parse(JSON.stringify(msg)));
  }
  listeners(name) { return this.handlers.get(name)?.size ?? 0; }
}

/** Wait until fn() is truthy (the view draws on timers), failing loudly after `ms`. */
export async function until(fn, what, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
