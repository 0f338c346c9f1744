// Copyright 2026 the @concurrent/futures authors. MIT license.
// CPU time of a process, read from /proc (Linux), for tests that check that
// stopped work really stopped.

/** CPU time (clock ticks) used by a process, or undefined once it is gone. */
export function cpuTicks(pid: number): number | undefined {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // The fields after the command name, which is in parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return undefined; // dead
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}
