// Copyright 2026 the @concurrent/futures authors. MIT license.
// Starts the other runtimes for the portable test suite (run.ts) and the
// runtime benchmark (bench/runtimes/main.ts): bundles made by `deno
// bundle`, Bun from npm into .runtimes/bun, and a page in headless
// Chromium served on loopback, without or with cross-origin isolation,
// that posts its lines to /log and its end to /done.

/** The repository. */
export const root: URL = new URL("../../", import.meta.url);
const BUN_VERSION = "1.4.5";
const BUN = new URL(".runtimes/bun/node_modules/.bin/bun", root);
// Debian's /usr/bin/chromium-headless-shell is a shell script that starts
// the browser as its child: run the browser itself, so that killing it
// ends it.
const CHROMIUM = [
  "/usr/lib/chromium/chromium-headless-shell",
].find((file) => {
  try {
    return Deno.statSync(file).isFile;
  } catch {
    return false;
  }
}) ?? "chromium-headless-shell";
/** The most a runtime may take for the whole suite. */
const RUN_MS = 240_000;
/** The longest a page may go without reporting a test. */
const IDLE_MS = 20_000;

/** A file URL's path. */
export const path = (url: URL): string => decodeURIComponent(url.pathname);

/** Runs a command to its end (at most RUN_MS), with its output. */
export async function command(
  cmd: string,
  args: string[],
  options: { cwd?: URL; quiet?: boolean } = {},
): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd === undefined ? path(root) : path(options.cwd),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), RUN_MS);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const output = new TextDecoder().decode(stdout) +
    new TextDecoder().decode(stderr);
  return { code, output };
}

/** Bundles `entry` into `out` with `deno bundle`. */
export async function bundle(
  entry: URL,
  out: URL,
  platform: "deno" | "browser",
  importMap?: URL,
): Promise<void> {
  const args = ["bundle", "--quiet", "--platform", platform, "-o", path(out)];
  if (importMap !== undefined) args.push("--import-map", path(importMap));
  const { code, output } = await command(Deno.execPath(), [
    ...args,
    path(entry),
  ]);
  if (code !== 0) throw new Error(`deno bundle ${path(entry)}:\n${output}`);
}

/** The Bun binary, installed from npm on first use. */
export async function ensureBun(): Promise<string> {
  try {
    await Deno.stat(BUN);
  } catch {
    const prefix = path(new URL(".runtimes/bun", root));
    const { code, output } = await command("npm", [
      "install",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      `bun@${BUN_VERSION}`,
    ]);
    if (code !== 0) {
      throw new Error(`could not install Bun from npm:\n${output}`);
    }
  }
  return path(BUN);
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".ts": "text/javascript; charset=utf-8",
};

// Reports what stops the page before the suite can: a module that does
// not load, an error outside any test.
const PAGE_ERRORS = `
const say = (text) => fetch("/log", { method: "POST", body: String(text) });
addEventListener("error", (e) =>
  say("page error: " + (e.error?.stack ?? e.message) + " " + (e.filename ?? "")));
addEventListener("unhandledrejection", (e) =>
  say("page rejection: " + (e.reason?.stack ?? e.reason)));
`;

/** What a page reported: its lines, and its end unless it never came. */
export interface PageRun {
  lines: string[];
  done: { line: string } | undefined;
}

/**
 * Serves `dir` on loopback and opens `entry` (a module in it) in headless
 * Chromium, until the page posts to /done, goes IDLE_MS without a line,
 * or the browser ends.
 */
export async function runPage(
  dir: URL,
  entry: string,
  isolated: boolean,
): Promise<PageRun> {
  const lines: string[] = [];
  let finish!: (summary: { line: string }) => void;
  const done = new Promise<{ line: string }>((resolve) => finish = resolve);
  const isolation: Record<string, string> = isolated
    ? {
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cross-origin-resource-policy": "same-origin",
    }
    : {};
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const { pathname } = new URL(request.url);
      if (request.method === "POST") {
        const body = await request.text();
        if (pathname === "/log") lines.push(body);
        if (pathname === "/done") finish(JSON.parse(body));
        return new Response("ok");
      }
      if (pathname === "/") {
        return new Response(
          `<!doctype html><title>${entry}</title><script>${PAGE_ERRORS}</script>` +
            `<script type="module" src="/${entry}"></script>`,
          { headers: { "content-type": MIME[".html"], ...isolation } },
        );
      }
      const file = new URL(`.${pathname}`, dir);
      if (!file.href.startsWith(dir.href) || pathname.includes("..")) {
        return new Response("no", { status: 403 });
      }
      try {
        const body = await Deno.readFile(file);
        const ext = /\.[a-z]+$/.exec(pathname)?.[0] ?? ".js";
        return new Response(body, {
          headers: {
            "content-type": MIME[ext] ?? "application/octet-stream",
            ...isolation,
          },
        });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  // PORTABLE_FILTER=text runs only the tests whose name holds it.
  const filter = Deno.env.get("PORTABLE_FILTER");
  const query = filter ? `?filter=${encodeURIComponent(filter)}` : "";
  const profile = await Deno.makeTempDir({ prefix: "portable-chromium-" });
  const { port } = server.addr as Deno.NetAddr;
  const browser = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${port}/${query}`,
    ],
    stdout: "null",
    stderr: Deno.env.get("PORTABLE_CHROMIUM_LOG") ? "inherit" : "null",
  }).spawn();
  let timer: ReturnType<typeof setInterval> | undefined;
  const result = await Promise.race([
    done,
    browser.status.then((s) => ({ line: "", exit: s.code })),
    new Promise<{ line: string }>((resolve) => {
      // No word from the page for IDLE_MS: it is stuck or never started.
      let heard = -1;
      timer = setInterval(() => {
        if (lines.length === heard) resolve({ line: "" });
        heard = lines.length;
      }, IDLE_MS);
    }),
  ]);
  clearInterval(timer);
  try {
    browser.kill("SIGTERM");
  } catch { /* already gone */ }
  await browser.status;
  await server.shutdown();
  await Deno.remove(profile, { recursive: true }).catch(() => {});
  return { lines, done: result.line === "" ? undefined : result };
}
