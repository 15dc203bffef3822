// Preloaded into a benchmarked child process: on exit, writes its resource usage (peak RSS
// included) to the file named by BENCH_USAGE_FILE, so the real CLI is measured unmodified.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.BENCH_USAGE_FILE) writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify(process.resourceUsage()));
});
