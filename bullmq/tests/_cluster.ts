// Copyright 2026 the @concurrent/futures authors. MIT license.
// A Redis server, workers in this process and an executor, per test.
import { Queue } from "bullmq";
import { moduleTask } from "@concurrent/futures";
import {
  BullMQExecutor,
  type BullMQExecutorOptions,
} from "../bullmq_executor.ts";
import { type RunningWorker, startWorker } from "../start_worker.ts";
import { HAS_REDIS, RedisServer } from "./_redis.ts";

const fixtures = new URL("./fixtures/tasks.ts", import.meta.url);
type Tasks = typeof import("./fixtures/tasks.ts");

/** The fixture module's tasks. */
export const tasks = {
  add: moduleTask<Tasks, "add">(fixtures, "add"),
  echoAfter: moduleTask<Tasks, "echoAfter">(fixtures, "echoAfter"),
  square: moduleTask<Tasks, "square">(fixtures, "square"),
  failWithCause: moduleTask<Tasks, "failWithCause">(fixtures, "failWithCause"),
  failCustom: moduleTask<Tasks, "failCustom">(fixtures, "failCustom"),
  richValue: moduleTask<Tasks, "richValue">(fixtures, "richValue"),
  pid: moduleTask<Tasks, "pid">(fixtures, "pid"),
  slowPid: moduleTask<Tasks, "slowPid">(fixtures, "slowPid"),
  unclonable: moduleTask<Tasks, "unclonable">(fixtures, "unclonable"),
  failOn: moduleTask<Tasks, "failOn">(fixtures, "failOn"),
  failFrom2: moduleTask<Tasks, "failFrom2">(fixtures, "failFrom2"),
  poolWorkerAfter: moduleTask<Tasks, "poolWorkerAfter">(
    fixtures,
    "poolWorkerAfter",
  ),
  repeat: moduleTask<Tasks, "repeat">(fixtures, "repeat"),
  bytes: moduleTask<Tasks, "bytes">(fixtures, "bytes"),
  onWorkerThread: moduleTask<Tasks, "onWorkerThread">(
    fixtures,
    "onWorkerThread",
  ),
  killMyProcess: moduleTask<Tasks, "killMyProcess">(fixtures, "killMyProcess"),
  mark: moduleTask<Tasks, "mark">(fixtures, "mark"),
};

/** Registers a test that needs redis-server; none without it. */
export function redisTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
): void {
  if (HAS_REDIS) Deno.test(name, fn);
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms until it holds; fails after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
  what = "the condition",
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}

export interface ClusterOptions {
  /** In-process workers to start (0 for none). @default {1} */
  workers?: number;
  concurrency?: number;
  allowSource?: boolean;
  pool?: "worker" | "process" | "async";
  /** The modules the workers serve. @default {[the fixture tasks]} */
  tasks?: string[];
  executor?: Partial<BullMQExecutorOptions>;
}

let queues = 0;

/** A Redis server, in-process workers and an executor, disposed together. */
export class Cluster implements AsyncDisposable {
  readonly redis: RedisServer;
  readonly queue: string;
  readonly ex: BullMQExecutor;
  readonly workers: RunningWorker[] = [];

  private constructor(
    redis: RedisServer,
    queue: string,
    ex: BullMQExecutor,
  ) {
    this.redis = redis;
    this.queue = queue;
    this.ex = ex;
  }

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const redis = await RedisServer.start();
    const queue = `test${++queues}`;
    const ex = new BullMQExecutor({
      queue,
      connection: redis.url,
      ...options.executor,
    });
    const cluster = new Cluster(redis, queue, ex);
    try {
      await ex.ready;
      for (let i = 0; i < (options.workers ?? 1); i++) {
        await cluster.addWorker(options);
      }
    } catch (error) {
      await cluster[Symbol.asyncDispose]();
      throw error;
    }
    return cluster;
  }

  /** Starts one more in-process worker on the queue. */
  async addWorker(options: ClusterOptions = {}): Promise<RunningWorker> {
    const worker = await startWorker({
      queue: this.queue,
      connection: this.redis.url,
      concurrency: options.concurrency ?? 2,
      allowSource: options.allowSource ?? false,
      pool: options.pool,
      tasks: options.tasks ?? [fixtures.href],
    });
    this.workers.push(worker);
    return worker;
  }

  /**
   * A BullMQ queue on the cluster's queue, as any other client of Redis
   * would open it (to look at jobs, or write them raw); `await using`
   * closes it.
   */
  openQueue(): Queue & AsyncDisposable {
    const queue = new Queue(this.queue, {
      connection: { port: this.redis.port },
    });
    return Object.assign(queue, {
      [Symbol.asyncDispose]: () => queue.close(),
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.ex.shutdown({ cancelFutures: true });
    await Promise.all(this.workers.map((w) => w.close()));
    await this.redis[Symbol.asyncDispose]();
  }
}
