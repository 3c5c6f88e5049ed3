import { describe, expect, it } from "vitest";
import { createQueue } from "./queue";

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("createQueue", () => {
  it("runs tasks one at a time, in the order they were pushed", async () => {
    const q = createQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ms: number) => async () => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await later(ms);
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const results = await Promise.all([
      q.push(task("a", 15)),
      q.push(task("b", 1)),
      q.push(task("c", 5)),
    ]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("does not start a task before the one ahead of it settles", async () => {
    const q = createQueue();
    let release!: () => void;
    const first = q.push(() => new Promise<void>((r) => (release = r)));
    let secondStarted = false;
    const second = q.push(async () => {
      secondStarted = true;
    });
    await later(5);
    expect(secondStarted).toBe(false);
    expect(q.pending).toBe(2);
    release();
    await Promise.all([first, second]);
    expect(secondStarted).toBe(true);
    expect(q.pending).toBe(0);
  });

  it("a failing task rejects its own promise and the next task still runs", async () => {
    const q = createQueue();
    const failed = q.push(async () => {
      throw new Error("refused");
    });
    const next = q.push(async () => "done");
    await expect(failed).rejects.toThrow("refused");
    await expect(next).resolves.toBe("done");
  });

  it("a task pushed from inside a running task runs after it", async () => {
    const q = createQueue();
    const log: string[] = [];
    let inner: Promise<void> | undefined;
    await q.push(async () => {
      inner = q.push(async () => {
        log.push("inner");
      });
      await later(2);
      log.push("outer");
    });
    await inner;
    expect(log).toEqual(["outer", "inner"]);
  });
});
