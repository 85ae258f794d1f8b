// Bundle the widget front ends with esbuild into ../src/respnb/static/ (git-ignored).
// Entries: response_view.js (+ response_view.css), and task_board.js / theme.css when present.
// `node build.mjs --watch` rebuilds on change.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "src", "respnb", "static");
mkdirSync(outdir, { recursive: true });

const js = ["response_view.js", "task_board.js", "batch_progress.js"].filter((f) => existsSync(join(here, f)));
const css = [["response_view.css", "response_view.css"], ["task_board.css", "task_board.css"], ["batch_progress.css", "batch_progress.css"], ["theme.css", "respnb.css"]]
  .filter(([src]) => existsSync(join(here, src)));

const common = { bundle: true, minify: true, legalComments: "none", logLevel: "info" };
const builds = [
  { ...common, entryPoints: js.map((f) => join(here, f)), outdir, format: "esm", target: "es2020" },
  ...css.map(([src, out]) => ({ ...common, entryPoints: [join(here, src)], outfile: join(outdir, out) })),
];

if (process.argv.includes("--watch")) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
