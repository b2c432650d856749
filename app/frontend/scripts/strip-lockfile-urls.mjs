// Removes URL-bearing metadata ("funding", and "resolved" should it appear) from
// package-lock.json so the lockfile holds no registry or donation URLs. npm keeps the lockfile
// this way on later installs; run this after adding or upgrading a dependency.
import { readFileSync, writeFileSync } from "node:fs";

/** @typedef {{ funding?: unknown, resolved?: unknown }} LockEntry */

const file = new URL("../package-lock.json", import.meta.url);
const lock = /** @type {{ packages?: Record<string, LockEntry> }} */ (
  JSON.parse(readFileSync(file, "utf8"))
);
let removed = 0;
for (const entry of Object.values(lock.packages ?? {})) {
  if ("funding" in entry) {
    delete entry.funding;
    removed += 1;
  }
  if ("resolved" in entry) {
    delete entry.resolved;
    removed += 1;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
const left = (readFileSync(file, "utf8").match(/https?:\/\//g) ?? []).length;
console.log(`package-lock.json: removed ${String(removed)} field(s); URLs left: ${String(left)}`);
process.exitCode = left === 0 ? 0 : 1;
