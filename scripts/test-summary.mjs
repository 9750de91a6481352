// Prints vitest's JSON report as one plain closing line, "N passed, N failed",
// so any CI log reader can tell how many tests ran.
import { readFileSync } from "node:fs";

const path = process.argv[2] ?? "dist/vitest-results.json";
const report = JSON.parse(readFileSync(path, "utf8"));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
process.exit(report.numFailedTests === 0 && report.numTotalTests > 0 && report.success !== false ? 0 : 1);
