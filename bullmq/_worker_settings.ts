// Copyright 2026 the @concurrent/futures authors. MIT license.
// The settings an executor publishes in Redis for the workers of its queue
// (`_open_events.ts` writes them), read at a worker's start. Anyone who can
// write to Redis can write there too: a value is read only if it is short,
// taken only if it is a plain integer in its range, and otherwise replaced
// by the default, with a warning, so that garbage can neither stop a worker
// nor set it a pace it cannot keep (a lock of 1e300 ms makes Node's timers
// fire every millisecond).
import {
  DEFAULT_LOCK_DURATION,
  DEFAULT_MAX_CRASHES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_STALLED_INTERVAL,
  settingsKey,
} from "./_protocol.ts";
import type { RawRedis } from "./_raw_redis.ts";

/** What a worker takes from its executor's settings. */
export interface WorkerSettings {
  lockDuration: number;
  stalledInterval: number;
  maxCrashes: number;
  maxPayloadBytes: number;
}

/** The longest timer Node keeps: a longer one fires at once. */
const MAX_TIMER = 2 ** 31 - 1;

const RANGES: Record<
  keyof WorkerSettings,
  { fallback: number; min: number; max: number }
> = {
  lockDuration: { fallback: DEFAULT_LOCK_DURATION, min: 1, max: MAX_TIMER },
  stalledInterval: {
    fallback: DEFAULT_STALLED_INTERVAL,
    min: 1,
    max: MAX_TIMER,
  },
  maxCrashes: {
    fallback: DEFAULT_MAX_CRASHES,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  },
  maxPayloadBytes: {
    fallback: DEFAULT_MAX_PAYLOAD_BYTES,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  },
};

/** The longest value read: the digits of the largest setting. */
const MAX_LENGTH = String(Number.MAX_SAFE_INTEGER).length;

/**
 * Returns the type of the key when it is not a hash, else each field's
 * value, or its length when it is too long to be a setting.
 */
const READ_SETTINGS = `
local kind = redis.call("TYPE", KEYS[1])["ok"]
if kind ~= "hash" and kind ~= "none" then return kind end
local values = {}
for i, field in ipairs(ARGV) do
  local length = redis.call("HSTRLEN", KEYS[1], field)
  if length > ${MAX_LENGTH} then
    values[i] = length
  else
    values[i] = redis.call("HGET", KEYS[1], field)
  end
end
return values
`;

/**
 * Reads the settings of the executors on `queue`; `given` ones (the
 * worker's own flags) are taken as they are.
 *
 * @param warn Where a setting that is not taken is reported.
 */
export async function readSettings(
  client: RawRedis,
  prefix: string,
  queue: string,
  given: Partial<WorkerSettings>,
  warn: (message: string) => void = console.warn,
): Promise<WorkerSettings> {
  const key = settingsKey(prefix, queue);
  const names = Object.keys(RANGES) as (keyof WorkerSettings)[];
  const stored = await client.call("EVAL", READ_SETTINGS, 1, key, ...names);
  const settings = {} as WorkerSettings;
  if (!Array.isArray(stored)) {
    warn(
      `worker: ${key} is a ${String(stored)}, not a hash: using the defaults`,
    );
  }
  names.forEach((name, i) => {
    const { fallback, min, max } = RANGES[name];
    const value: unknown = Array.isArray(stored) ? stored[i] : null;
    settings[name] = given[name] ?? fallback;
    if (given[name] !== undefined || value === null) return;
    if (
      typeof value === "string" && /^\d+$/.test(value) &&
      Number(value) >= min && Number(value) <= max
    ) {
      settings[name] = Number(value);
      return;
    }
    warn(
      `worker: the setting ${name} in ${key} is ${
        typeof value === "number"
          ? `${value} bytes long`
          : JSON.stringify(value)
      }, not an integer from ${min} to ${max}: using the default, ${fallback}`,
    );
  });
  return settings;
}
