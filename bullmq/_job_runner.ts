// Copyright 2026 the @concurrent/futures authors. MIT license.
// What the worker program does with one job: check that it may run it, find
// its function, run it on the local pool (short module tasks through the
// coalescer), and report the encoded value or the marshalled error.
import { moduleTask, type TaskFunction } from "@concurrent/futures";
import {
  cloneableError,
  explainTaskError,
  marshalError,
  reviveFunctionSource,
} from "@concurrent/futures/_internal";
import { decode, encode } from "./_codec.ts";
import { type CallOutcome, Coalescer, type LocalPool } from "./_coalescer.ts";
import { type JobData, PROTOCOL, type TaskRef } from "./_protocol.ts";
import { describeModule } from "./_task_modules.ts";

const MAX_CACHED = 256;

/** What a worker program runs, and how. */
export interface JobRunnerOptions {
  /** Jobs at once: the most calls one message to the pool may carry. */
  concurrency: number;
  /** The absolute URLs of the modules it serves (`--tasks`). */
  tasks: ReadonlySet<string>;
  /** Runs plain functions sent by their source (`--allow-source`). */
  allowSource: boolean;
  /** The largest argument list and result, in bytes as stored. */
  maxPayloadBytes: number;
  /**
   * The pool runs tasks on this thread (an `AsyncPoolExecutor`): a message
   * costs nothing, so calls are not gathered into messages.
   */
  inline: boolean;
}

/** The outcome of a job that failed with `error`. */
export function failure(error: unknown): CallOutcome {
  return { ok: false, error: cloneableError(marshalError(error)) };
}

export class JobRunner {
  #pool: LocalPool;
  #options: JobRunnerOptions;
  #coalescer: Coalescer;
  #modules = new Map<string, TaskFunction<unknown[], unknown>>();
  #revived = new Map<string, TaskFunction<unknown[], unknown>>();
  #revivals = 0;
  /** Jobs being run now. */
  active = 0;

  constructor(pool: LocalPool, options: JobRunnerOptions) {
    this.#pool = pool;
    this.#options = options;
    this.#coalescer = new Coalescer(
      pool,
      options.concurrency,
      options.maxPayloadBytes,
    );
  }

  async run(
    data: unknown,
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<CallOutcome> {
    this.active++;
    try {
      const job = data as JobData;
      if (job?.v !== PROTOCOL || typeof job.fn !== "object" || !job.fn) {
        throw new TypeError(
          `Job ${id} is not a BullMQExecutor job of this version`,
        );
      }
      // Checked before the arguments are even decoded.
      const [task, url] = this.#taskOf(job.fn, id);
      const args = decode(
        job.args,
        this.#options.maxPayloadBytes,
        job.batch ? "The chunk's items" : "The task's arguments",
      ) as unknown[];
      if (!Array.isArray(args)) {
        throw new TypeError(`Job ${id} has no argument list`);
      }
      // Each item takes a byte at least as sent: a longer list is mostly
      // holes, which a chunk would walk one by one.
      const sent = (job.args as { b?: string }).b?.length;
      if (sent !== undefined && args.length > sent) {
        throw new TypeError(
          `Job ${id} has an argument list of ${args.length} items in ${sent} bytes: holes, not items`,
        );
      }
      if (!job.batch && url !== undefined && !this.#options.inline) {
        return await this.#coalescer.run(
          url,
          (job.fn as { name: string }).name,
          args,
          signal,
          this.active,
        );
      }
      let value: unknown;
      if (job.batch) {
        const results = [];
        const iterator = this.#pool.map(
          task as TaskFunction<[unknown], unknown>,
          args,
          { chunksize: Math.max(1, args.length), signal },
        );
        for await (const result of iterator) results.push(result);
        value = results;
      } else {
        value = await this.#pool.run(task, args, { signal }).result();
      }
      return {
        ok: true,
        value: encode(
          value,
          this.#options.maxPayloadBytes,
          "The task's result",
        ),
      };
    } catch (error) {
      // A plain function's closure over a name it cannot see says why, as
      // on the pools (which explain their own; this covers --pool async).
      return failure(explainTaskError(error));
    } finally {
      this.active--;
    }
  }

  /**
   * The function a job names, and for a module task the absolute URL of its
   * module, which must be one this worker serves.
   *
   * @throws {TypeError} For a module it was not started with, a plain
   * function without `allowSource`, or a reference that names no task.
   */
  #taskOf(
    ref: TaskRef,
    id: string,
  ): [TaskFunction<unknown[], unknown>, string | undefined] {
    if (Array.isArray(ref) || !("url" in ref || "code" in ref)) {
      throw new TypeError(
        `Job ${id} names no task: neither a module export nor a function's source`,
      );
    }
    if ("url" in ref) {
      const { url: given, name } = ref;
      if (typeof given !== "string" || typeof name !== "string") {
        throw new TypeError("The job's task is not a module export");
      }
      // Resolved as an import would resolve it (URL parsing drops leading
      // spaces and control characters, and tabs or newlines inside), and
      // compared whole: no prefix of an allowed URL is one.
      const url = URL.canParse(given) ? new URL(given).href : undefined;
      if (url === undefined || !this.#options.tasks.has(url)) {
        throw new TypeError(
          `This worker does not serve the module ${
            describeModule(given)
          }: start it with --tasks <module> for each module it may run`,
        );
      }
      const key = `${name} ${url}`;
      let task = this.#modules.get(key);
      if (task === undefined) {
        task = moduleTask(url, name);
        if (this.#modules.size >= MAX_CACHED) this.#modules.clear();
        this.#modules.set(key, task);
      }
      return [task, url];
    }
    if (!this.#options.allowSource) {
      throw new TypeError(
        "This worker does not run plain functions sent by their source: submit a moduleTask() of a module it serves (--tasks), or start the worker with --allow-source",
      );
    }
    if (typeof ref.code !== "string") {
      throw new TypeError("The job's task has no source");
    }
    let fn = this.#revived.get(ref.code);
    if (fn === undefined) {
      // Revived as the pools revive a source: the worker's own globals
      // (name, self, close, ...) are hidden from it.
      fn = reviveFunctionSource(++this.#revivals, ref.code) as TaskFunction<
        unknown[],
        unknown
      >;
      if (typeof fn !== "function") {
        throw new TypeError("The task's source is not a function");
      }
      if (this.#revived.size >= MAX_CACHED) this.#revived.clear();
      this.#revived.set(ref.code, fn);
    }
    return [fn, undefined];
  }
}
