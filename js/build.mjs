// Bundle the widget front ends with esbuild into ../src/respnb/static/ (git-ignored).
// Entries: response_view.js (+ response_view.css, which pulls in KaTeX's CSS with its woff2
// fonts inlined as data: URLs, so math needs no network), and task_board.js / theme.css when
// present. `node build.mjs --watch` rebuilds on change.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "src", "respnb", "static");
mkdirSync(outdir, { recursive: true });

const js = ["response_view.js", "task_board.js", "batch_progress.js"].filter((f) => existsSync(join(here, f)));
const css = [["response_view.css", "response_view.css"], ["task_board.css", "task_board.css"], ["batch_progress.css", "batch_progress.css"], ["theme.css", "respnb.css"]]
  .filter(([src]) => existsSync(join(here, src)));

/** KaTeX's stylesheet with every font as an inlined woff2 (the woff/ttf fallbacks dropped). */
const katexFonts = {
  name: "katex-fonts",
  setup(build) {
    build.onLoad({ filter: /katex[\\/]dist[\\/]katex(\.min)?\.css$/ }, (args) => {
      const fonts = join(dirname(args.path), "fonts");
      const contents = readFileSync(args.path, "utf8").replace(/src:url\(fonts\/([\w-]+)\.woff2\)[^;}]*/g,
        (_m, name) => `src:url(data:font/woff2;base64,${readFileSync(join(fonts, `${name}.woff2`)).toString("base64")}) format("woff2")`);
      if (/url\(fonts\//.test(contents)) throw new Error("a KaTeX font was left as a file URL");
      return { contents, loader: "css" };
    });
  },
};

const common = { bundle: true, minify: true, legalComments: "none", logLevel: "info" };
const builds = [
  { ...common, entryPoints: js.map((f) => join(here, f)), outdir, format: "esm", target: "es2020" },
  ...css.map(([src, out]) => ({ ...common, entryPoints: [join(here, src)], outfile: join(outdir, out), plugins: [katexFonts] })),
];

if (process.argv.includes("--watch")) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
