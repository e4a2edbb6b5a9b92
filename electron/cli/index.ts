// Entry point of the `stickwright` binary (bundled to dist/cli.js).
import { runCli } from './main';

runCli(process.argv.slice(2), process.stdout, process.stderr).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli catches everything it knows; this is the last line of defence, still one line.
    process.stderr.write(`stickwright: error INTERNAL: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
