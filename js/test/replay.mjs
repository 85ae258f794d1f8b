// Replays the custom messages a Python ResponseView sent (JSON on stdin: a list of messages, or
// {"steps": [[patches...], ...]}) through the front end's Store and prints the snapshot(s) as
// JSON. tests/view/jsstore.py runs it, so the Python tests check the real store.
import { Store } from "../rv_store.js";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const data = JSON.parse(input);
const store = new Store();
store.reset([], 0);
if (Array.isArray(data)) {
  for (const msg of data) {
    if (msg.kind === "reset") store.reset(msg.blocks, msg.seq);
    else if (msg.kind === "patches") {
      const result = store.receive(msg.patches, msg.seq);
      if (result !== "applied") throw new Error(`message ${msg.seq} was ${result}`);
    }
  }
  process.stdout.write(JSON.stringify(store.snapshot()));
} else {
  const out = [];
  for (const patches of data.steps) {
    store.apply(patches);
    out.push(store.snapshot());
  }
  process.stdout.write(JSON.stringify(out));
}
