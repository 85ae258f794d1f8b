"""Cost of the live view: a 20,000-token answer through ResponseViewState + Coalescer + the
ResponseView send path (no front end; the widget's comm send is replaced by a byte counter).

Reported:

* kernel CPU per token (``time.process_time``) of ``view.apply(event)`` for every event, then
  ``view.finish()`` — target <= 20 µs; event parsing (done by the client anyway) reported apart;
* messages sent and messages per second, at full speed (real clock) and at paced token rates
  on a simulated clock (50, 200, 1000 tokens/s), where the 30 messages/s budget matters;
* bytes sent (every comm message: custom patch messages and trait updates) against the final
  rendered size (the JSON of every block) and against the answer's text;
* the same figures for what an openai-python user writes in a notebook: accumulate the text
  and ``update_display(Markdown(text), display_id=...)`` on every delta. No front end: the
  mimebundle is built by IPython's own ``DisplayFormatter`` (what ``update_display`` calls) and
  the bytes counted are the JSON of the ``update_display_data`` content each delta would send.

Run: ``python bench/bench_view.py [--tokens 20000] [--repeat 5]``. Writes ``bench/out/view.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine_info  # noqa: E402
from tests.core.streams import text_stream  # noqa: E402

from respnb.notebook.view import ResponseView  # noqa: E402
from respnb.types import StreamEvent, parse_event  # noqa: E402


class Counter:
    """Replaces ``Widget._send``: counts every comm message and its JSON bytes."""

    def __init__(self) -> None:
        self.messages = 0
        self.custom = 0
        self.bytes = 0

    def __call__(self, msg: dict[str, Any], buffers: Any = None) -> None:
        self.messages += 1
        self.custom += msg.get("method") == "custom"
        self.bytes += len(_compact(msg).encode())


def _compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


class SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _events(tokens: int) -> tuple[list[StreamEvent], float]:
    raw = text_stream(tokens).events
    start = time.process_time()
    events = [parse_event(json.dumps(e)) for e in raw]
    return events, time.process_time() - start


def run_full_speed(events: list[StreamEvent], tokens: int) -> dict[str, Any]:
    view = ResponseView(profile="bench", model="respnb-demo", autoflush=False)
    counter = Counter()
    view._send = counter  # type: ignore[method-assign]
    gc.collect()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for event in events:
        view.apply(event)
    view.finish()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    final = len(_compact(view.state.snapshot_blocks()).encode())
    text = len(view.state.text.encode())
    return {
        "cpu_us_per_token": cpu / tokens * 1e6,
        "wall_s": wall,
        "messages": counter.messages,
        "custom_messages": counter.custom,
        "messages_per_s": counter.messages / wall if wall else None,
        "bytes_sent": counter.bytes,
        "final_rendered_bytes": final,
        "answer_text_bytes": text,
        "bytes_vs_final": counter.bytes / final,
    }


def run_naive_update_display(events: list[StreamEvent], tokens: int) -> dict[str, Any]:
    """openai-python in a notebook: ``update_display(Markdown(text))`` on every text delta."""
    from IPython.core.formatters import DisplayFormatter
    from IPython.display import Markdown

    formatter = DisplayFormatter()
    display_id = "5f0c3c1a9e2b4d7a8c6e1f3b2a4d6c8e"
    messages = sent = 0
    text = ""
    gc.collect()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for event in events:
        if event.type == "response.output_text.delta":
            text += event.delta  # type: ignore[attr-defined]
            data, metadata = formatter.format(Markdown(text))
            content = {"data": data, "metadata": metadata, "transient": {"display_id": display_id}}
            sent += len(_compact(content).encode())
            messages += 1
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    final = len(_compact(formatter.format(Markdown(text))[0]).encode())
    return {
        "cpu_us_per_token": cpu / tokens * 1e6,
        "wall_s": wall,
        "messages": messages,
        "bytes_sent": sent,
        "final_rendered_bytes": final,
        "bytes_vs_final": sent / final,
    }


def run_paced(events: list[StreamEvent], rate: float) -> dict[str, Any]:
    clock = SimClock()
    view = ResponseView(autoflush=False, clock=clock)
    counter = Counter()
    view._send = counter  # type: ignore[method-assign]
    for event in events:
        clock.now += 1 / rate
        view.apply(event)
        # the widget's timer: flush when the coalescer says the pending batch is due
        due = view._coalescer.next_flush_in()
        if due == 0.0:
            view.flush()
    view.finish()
    final = len(_compact(view.state.snapshot_blocks()).encode())
    seconds = clock.now
    return {
        "tokens_per_s": rate,
        "simulated_s": seconds,
        "messages": counter.messages,
        "messages_per_s": counter.messages / seconds,
        "bytes_sent": counter.bytes,
        "bytes_vs_final": counter.bytes / final,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    events, parse_cpu = _events(args.tokens)
    runs = [run_full_speed(events, args.tokens) for _ in range(args.repeat)]
    best = min(runs, key=lambda r: r["cpu_us_per_token"])
    paced = [run_paced(events, rate) for rate in (50, 200, 1000)]
    naive_runs = [run_naive_update_display(events, args.tokens) for _ in range(min(args.repeat, 3))]
    naive = min(naive_runs, key=lambda r: r["cpu_us_per_token"])
    result = {
        "machine": machine_info(),
        "tokens": args.tokens,
        "events": len(events),
        "python": platform.python_version(),
        "parse_cpu_us_per_event": parse_cpu / len(events) * 1e6,
        "full_speed_best": best,
        "full_speed_cpu_us_per_token_all": [round(r["cpu_us_per_token"], 3) for r in runs],
        "paced": paced,
        "openai_naive_update_display": naive,
        "ratio_vs_openai_naive": {
            "cpu_us_per_token": best["cpu_us_per_token"] / naive["cpu_us_per_token"],
            "bytes_sent": best["bytes_sent"] / naive["bytes_sent"],
            "messages": best["messages"] / naive["messages"],
        },
        "target_cpu_us_per_token": 20.0,
        "meets_target": best["cpu_us_per_token"] <= 20.0,
    }
    print(
        f"{args.tokens} tokens, {len(events)} events (parse, not counted: "
        f"{result['parse_cpu_us_per_event']:.2f} µs/event)"
    )
    print(
        f"kernel CPU per token: {best['cpu_us_per_token']:.2f} µs (target <= 20) "
        f"{'OK' if result['meets_target'] else 'OVER'}"
    )
    print(
        f"full speed: {best['messages']} messages in {best['wall_s'] * 1000:.1f} ms, "
        f"{best['bytes_sent']} bytes sent vs {best['final_rendered_bytes']} final "
        f"({best['bytes_vs_final']:.2f}x)"
    )
    for p in paced:
        print(
            f"paced {p['tokens_per_s']:>5} tok/s: {p['messages_per_s']:.1f} messages/s, "
            f"{p['bytes_vs_final']:.2f}x bytes vs final"
        )
    print(
        f"openai-python naive update_display per delta: {naive['cpu_us_per_token']:.1f} µs/token,"
        f" {naive['messages']} messages, {naive['bytes_sent'] / 2**20:.1f} MiB sent "
        f"({naive['bytes_vs_final']:.0f}x the final size)"
    )
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "view.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out / 'view.json'}")


if __name__ == "__main__":
    main()
