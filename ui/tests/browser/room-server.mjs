// The real room for the participant page's browser tests: `cargo run --example room_server`
// (the app's own room on Tauri's mock runtime, serving the ui/dist it was built with) on
// 127.0.0.1 only. It prints one JSON line with its URL once open and takes the facilitator's
// actions on standard input (close_round, reveal, status, close_room).

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Starts a room; `args` as the example takes them (`--assign ops`, `--no-names`…). */
export async function startRoom(args = []) {
  const child = spawn("cargo", ["run", "--quiet", "--example", "room_server", "--", ...args], {
    cwd: root,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const nextLine = (what, ms) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the room server gave no ${what}`)), ms);
      child.once("exit", (code) => reject(new Error(`the room server exited with ${code}`)));
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      });
    });
  // The first run may compile the example.
  const opened = await nextLine("URL", 15 * 60 * 1000);
  if (!String(opened.url).startsWith("http://127.0.0.1:")) {
    child.kill();
    throw new Error(`the room is not on loopback: ${opened.url}`);
  }
  const act = (action) => child.stdin.write(`${action}\n`);
  return {
    url: opened.url,
    code: opened.code,
    base: new URL(opened.url).origin,
    act,
    async status() {
      act("status");
      return nextLine("status", 10000);
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}
