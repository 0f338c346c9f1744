// Copyright 2026 the @concurrent/futures authors. MIT license.
// The child-process transport: each pool worker is a process of the Deno
// binary that runs this program (`Deno.execPath()`), running
// `_runner/process_child.ts`. Killing it with SIGKILL stops its work at once,
// which no Worker can promise.
//
// The channel. The pool's messages travel on a private socket pair that
// the child sees as file descriptor 3; its stdout and stderr are the
// parent's own, so a task's console.log reaches the terminal (or file)
// unchanged and colored as the parent's would be, and can never be taken
// for a message. Deno.Command cannot hand a child a fourth descriptor,
// so the child is started with `node:child_process`, which can. The
// alternatives cost more: a Unix socket needs the parent to hold read,
// write and net access to a temporary path, plus a revoke dance in the
// child; a TCP port on localhost needs net access and a secret. The
// socket pair needs nothing but `--allow-run` and, because
// `node:child_process` copies the environment for the child,
// `--allow-env`. It carries some 10,000 round trips a second with one
// message in flight, and hundreds of thousands of tasks a second in
// messages of 100 (bench/process_transport_figures.ts). Tested on Linux.
//
// Values cross by V8 serialization (`_process_wire.ts`); a value that
// cannot be cloned makes post() throw a DataCloneError, sending nothing.
//
// Exit. When the child dies the kernel closes its end of the socket; the
// pool reads what is left, sees the end of the stream, and only then
// reports the exit, so every message the child sent comes first. (A
// grandchild that inherited the socket could hold it open: after the exit
// the pool waits at most DRAIN_MS for the end.)
//
// No child outlives its parent: stdin is a pipe the parent never writes,
// and the child's watchdog kills it when that pipe ends, which the kernel
// does when the parent dies in any way, SIGKILL included
// (`_runner/process_endpoint.ts`).
//
// Resolution. A child resolves imports as its parent does: it inherits the
// working directory and environment, and gets the parent's config file
// explicitly (`--config`), found as `deno run` finds it, upward from the
// main module's directory (Deno applies no config to a remote main module,
// such as this file loaded from JSR, unless told), and with it the config's
// import map and lock file. It loads modules as `deno run` does: from the
// cache when they are there (this module imports the child's entry, so the
// entry and the runner are in the parent's module graph, cache and lock
// file), from the network when they are not, so a module task whose
// `jsr:`, `npm:` or remote dependencies the parent never loaded works on
// an empty cache too (a first run, CI, a container). Remote imports need
// the import permission, which "inherit" passes on when the parent holds
// it in full.
//
// `ProcessPoolExecutor` passes `permissions` and `v8Flags` only. The bare
// transport also takes `denoFlags` (its tests use it), which replace the
// guess at the config (`["--config", "other.json"]`) and add any other
// flag (`--lock`, `--frozen`, `--cached-only`, ...).
import { type ChildProcess, spawn } from "node:child_process";
import type { Duplex, Writable } from "node:stream";
import type { FromWorker, ToWorker } from "../_protocol.ts";
import type {
  Transport,
  TransportFactory,
  TransportHandlers,
} from "../_transport.ts";
import {
  encodeMessage,
  MessageError,
  MessageReader,
} from "../_process_wire.ts";
import { checkFromChild } from "./process_check.ts";
import { permissionFlags } from "./permission_flags.ts";
import { checkV8Flags } from "./process_support.ts";
export { checkProcessSupport } from "./process_support.ts";
// Not run here: imported so that the child's modules are cached.
import "../_runner/process_child.ts";

/** How long the end of the channel may lag behind the child's exit. */
const DRAIN_MS = 1000;
/** How long a child may live on after its channel ended. */
const ORPHAN_MS = 10_000;

/** How to start the child processes of a pool. */
export interface ProcessTransportOptions {
  /**
   * The child's sandbox: `"inherit"` (the default: every permission the
   * parent holds in full), `"none"`, or an object read as for a Deno
   * Worker, where a key left out is denied.
   */
  permissions?: Deno.PermissionOptions | "inherit";
  /** V8 flags for the child, e.g. `["--max-old-space-size=128"]`. */
  v8Flags?: string[];
  /**
   * More `deno run` flags for the child (not an option of
   * `ProcessPoolExecutor`: tests of the transport). Those that choose a config
   * (`--config`, `-c`, `--no-config`, `--import-map`) replace the config
   * file found for the parent: e.g. `["--config", "x.json"]`.
   */
  denoFlags?: string[];
  /**
   * The child's entry module (tests); by default
   * `_runner/process_child.ts`.
   */
  entry?: string | URL;
  /**
   * Checks each message of the child; one that throws a `MessageError`
   * breaks the channel. By default, the pool's protocol
   * (`checkFromChild`); tests of the bare channel pass their own.
   */
  check?: (value: unknown) => FromWorker;
}

/** A transport over a child process. */
export interface ProcessTransport extends Transport {
  /** The child's process id. */
  readonly pid: number;
  /**
   * Settles once the child has exited and been reaped and its channel is
   * closed, whether it died or was killed.
   */
  readonly closed: Promise<void>;
}

/** The flags a child needs to resolve modules as the parent does. */
export function resolutionFlags(
  denoFlags: readonly string[] = [],
  findConfig: () => string | null | undefined = parentConfig,
): string[] {
  const flags: string[] = [];
  const chosen = denoFlags.some((f) =>
    /^(--config|--no-config|--import-map)(=|$)/.test(f) || /^-c/.test(f)
  );
  if (!chosen) {
    const config = findConfig();
    // The child's main module is this package's entry: left to itself, Deno
    // would apply the config found above that file (this repository's own,
    // with its lock file, when the package is used from a local copy)
    // instead of the program's.
    if (config === null) flags.push("--no-config");
    else if (config !== undefined) flags.push(`--config=${config}`);
  }
  return [...flags, ...denoFlags];
}

function dirname(path: string): string {
  const cut = path.replace(/\/+$/, "").lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

/**
 * The config file `deno run` found for this program: `deno.json` or
 * `deno.jsonc` in the main module's directory or above (the working
 * directory for `deno eval` and the REPL). `null` when it has none: there
 * is none on the way, or the main module is not a local file (Deno then
 * applies none). Undefined when this program may not read the directories
 * on the way (looking would prompt), so nobody knows.
 */
export function parentConfig(): string | null | undefined {
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:") return null;
  let dir = dirname(decodeURIComponent(main.pathname));
  for (;;) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = `${dir === "/" ? "" : dir}/${name}`;
      const access = Deno.permissions.querySync({ name: "read", path });
      if (access.state !== "granted") return undefined;
      try {
        if (Deno.statSync(path).isFile) return path;
      } catch {
        // Not there: look further up.
      }
    }
    if (dir === "/") return null;
    dir = dirname(dir);
  }
}

/** Says how a child ended, for `TransportHandlers.exit`. */
export function describeExit(
  code: number | null,
  signal: string | null,
): string {
  if (code !== null) return `it exited with code ${code}`;
  // V8 ends the process with SIGTRAP when its heap is full (and on its
  // other, rare, fatal errors).
  if (signal === "SIGTRAP") return "it ran out of memory (SIGTRAP from V8)";
  return `it was killed by ${signal ?? "an unknown signal"}`;
}

/**
 * Starts pool workers as child processes of the Deno binary.
 *
 * @param options How to start them.
 * @returns The factory the pool engine calls for each worker.
 * @throws {TypeError} For bad `permissions` (see `permissionFlags`).
 * @throws {RangeError} For a V8 flag holding a comma.
 */
export function processTransport(
  options: ProcessTransportOptions = {},
): TransportFactory {
  const entry = new URL(
    options.entry ?? new URL("../_runner/process_child.ts", import.meta.url),
  );
  const permissions = options.permissions ?? "inherit";
  // Fail at once on bad input, not at the first spawn.
  permissionFlags(permissions);
  const v8Flags = options.v8Flags ?? [];
  checkV8Flags(v8Flags);
  const check = options.check ?? checkFromChild;
  const fixed = [
    ...(v8Flags.length > 0 ? [`--v8-flags=${v8Flags.join(",")}`] : []),
    ...resolutionFlags(options.denoFlags ?? []),
  ];
  return (name, handlers) => {
    // Read at each start: the parent may have revoked a permission since.
    const args = [
      "run",
      "--no-prompt",
      ...permissionFlags(permissions),
      ...fixed,
      entry.href,
      name,
    ];
    return startChild(args, handlers, check);
  };
}

/**
 * The Deno binary under another spelling of its path. `node:child_process`
 * rewrites the arguments of a command spelled exactly `Deno.execPath()`
 * as if they were Node's, and adds `-A` to them: that would undo the
 * child's sandbox.
 */
function denoBinary(): string {
  const path = Deno.execPath();
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return `${path.slice(0, cut + 1)}.${path[cut] ?? "/"}${path.slice(cut + 1)}`;
}

/**
 * Sends SIGKILL to the process group `pid` leads; `false` when this
 * program may not (signalling a group needs `--allow-run` in full: with
 * run access to the Deno binary alone, only the child itself is killed)
 * or no such group is left.
 */
function signalGroup(pid: number): boolean {
  if (Deno.permissions.querySync({ name: "run" }).state !== "granted") {
    return false;
  }
  try {
    Deno.kill(-pid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}

function startChild(
  args: string[],
  handlers: TransportHandlers,
  check: (value: unknown) => FromWorker,
): ProcessTransport {
  const child: ChildProcess = spawn(denoBinary(), args, {
    stdio: ["pipe", "inherit", "inherit", "pipe"],
    windowsHide: true,
    // A process group of its own, so that a kill reaches every process a
    // task started (and Ctrl-C in a terminal reaches only the pool).
    detached: true,
  });
  const channel = child.stdio[3] as Duplex;
  const lifeline = child.stdin as Writable;
  let killed = false;
  let reported = false;
  let status: { code: number | null; signal: string | null } | undefined;
  let channelClosed = false;
  let lost: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const { promise: closed, resolve: close } = Promise.withResolvers<void>();

  const reader = new MessageReader((value) => {
    if (killed || reported || lost !== undefined) return;
    let message: FromWorker;
    try {
      message = check(value);
    } catch (error) {
      return refuse(error as MessageError);
    }
    handlers.message(message);
  });

  /** Kills the child and every process of its group. */
  function killGroup(): void {
    if (child.pid === undefined) return;
    if (!signalGroup(child.pid)) child.kill("SIGKILL");
  }

  /**
   * The child broke its channel (a malformed message, or one longer than
   * `MAX_MESSAGE`): it dies, and the pool hears of it as of a crash,
   * without waiting on anything it announced.
   */
  function refuse(error: MessageError): void {
    lost ??= `it sent a message the pool cannot read (${error.message})`;
    killGroup();
    channel.destroy();
  }

  function report(how: string, cause?: unknown): void {
    if (killed || reported) return;
    reported = true;
    handlers.exit(how, cause);
  }

  function stopTimer(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  /** Called at each step of the end; acts once both halves are in. */
  function settle(): void {
    if (status !== undefined && channelClosed) {
      stopTimer();
      report(lost ?? describeExit(status.code, status.signal));
      close();
    } else if (status !== undefined && timer === undefined) {
      // A grandchild may hold the socket open: stop waiting for its end.
      timer = setTimeout(() => channel.destroy(), DRAIN_MS);
    } else if (channelClosed && timer === undefined && !killed) {
      // The exit normally follows at once. A child that lives on without
      // its channel is of no use.
      timer = setTimeout(() => {
        lost ??= "it closed its channel to the pool";
        killGroup();
      }, ORPHAN_MS);
    }
  }

  channel.on("data", (chunk: Uint8Array) => {
    if (killed || reported) return;
    try {
      reader.push(chunk);
    } catch (error) {
      // An error of the pool's own handler is the pool's to report.
      if (!(error instanceof MessageError)) throw error;
      refuse(error);
    }
  });
  // EPIPE, ECONNRESET: the child died; its exit says how.
  channel.on("error", () => {});
  lifeline.on("error", () => {});
  channel.on("close", () => {
    channelClosed = true;
    settle();
  });
  child.on("exit", (code: number | null, signal: string | null) => {
    status = { code, signal };
    // Nothing the task started outlives its process: the group's id stays
    // in use (never reused) while a process of the group lives.
    if (child.pid !== undefined) signalGroup(child.pid);
    lifeline.destroy();
    settle();
  });
  child.on("error", (error: Error) => {
    // The process could not be started (or signalled after it was gone).
    if (child.pid !== undefined && status === undefined) return;
    report(`it could not be started: ${error.message}`, error);
    channel.destroy();
    lifeline.destroy();
    status ??= { code: null, signal: null };
    close();
  });

  return {
    sharesMemory: false,
    get pid() {
      return child.pid ?? -1;
    },
    closed,
    post(message: ToWorker): void {
      const frame = encodeMessage(message);
      if (killed || status !== undefined || channel.destroyed) return;
      channel.write(frame);
    },
    kill(): void {
      if (killed) return;
      killed = true;
      stopTimer();
      if (status === undefined) killGroup();
      channel.destroy();
      lifeline.destroy();
    },
  };
}
