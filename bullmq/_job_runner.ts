// Copyright 2026 the @concurrent/futures authors. MIT license.
// What the worker program does with one job: find its function, run it on
// the local pool (short module tasks through the coalescer), and report the
// encoded value or the marshalled error.
import { moduleTask, type TaskFunction } from "@concurrent/futures";
import { cloneableError, marshalError } from "@concurrent/futures/_internal";
import { decode, encode } from "./_codec.ts";
import { type CallOutcome, Coalescer, type LocalPool } from "./_coalescer.ts";
import { type JobData, PROTOCOL, type TaskRef } from "./_protocol.ts";

const MAX_CACHED = 256;

export class JobRunner {
  #pool: LocalPool;
  #allowSource: boolean;
  #coalescer: Coalescer;
  #modules = new Map<string, TaskFunction<unknown[], unknown>>();
  #revived = new Map<string, TaskFunction<unknown[], unknown>>();
  /** Jobs being run now. */
  active = 0;

  constructor(pool: LocalPool, concurrency: number, allowSource: boolean) {
    this.#pool = pool;
    this.#allowSource = allowSource;
    this.#coalescer = new Coalescer(pool, concurrency);
  }

  async run(
    data: unknown,
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<CallOutcome> {
    this.active++;
    try {
      const job = data as JobData;
      if (job?.v !== PROTOCOL) {
        throw new TypeError(
          `Job ${id} is not a BullMQExecutor job of this version`,
        );
      }
      const args = decode(job.args) as unknown[];
      const { fn } = job;
      const task = this.#taskOf(fn);
      if (!job.batch && "url" in fn) {
        return await this.#coalescer.run(
          fn.url,
          fn.name,
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
      return { ok: true, value: encode(value) };
    } catch (error) {
      return { ok: false, error: cloneableError(marshalError(error)) };
    } finally {
      this.active--;
    }
  }

  #taskOf(ref: TaskRef): TaskFunction<unknown[], unknown> {
    if ("url" in ref) {
      // A data: or blob: module is source text by another name.
      if (!this.#allowSource && /^(data|blob):/i.test(ref.url)) {
        throw new TypeError(
          `This worker does not import ${
            ref.url.slice(0, ref.url.indexOf(":"))
          }: modules, which carry their source in the job: start it with --allow-source`,
        );
      }
      const key = `${ref.name} ${ref.url}`;
      let task = this.#modules.get(key);
      if (task === undefined) {
        task = moduleTask(ref.url, ref.name);
        if (this.#modules.size >= MAX_CACHED) this.#modules.clear();
        this.#modules.set(key, task);
      }
      return task;
    }
    if (!this.#allowSource) {
      throw new TypeError(
        "This worker does not run plain functions sent by their source: submit a moduleTask(), or start the worker with --allow-source",
      );
    }
    let fn = this.#revived.get(ref.code);
    if (fn === undefined) {
      fn = new Function(`return (${ref.code}\n);`)();
      if (typeof fn !== "function") {
        throw new TypeError("The task's source is not a function");
      }
      if (this.#revived.size >= MAX_CACHED) this.#revived.clear();
      this.#revived.set(ref.code, fn);
    }
    return fn;
  }
}
