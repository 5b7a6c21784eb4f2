// The entry file of a background training's child process (`startBackgroundTraining` starts
// `node worker.js` with the jobs in its environment): runs them, then exits; a failure is printed
// for the parent to report and ends the process with status 1.
import { runGanJobsFromEnvironment } from "./background";

runGanJobsFromEnvironment().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
