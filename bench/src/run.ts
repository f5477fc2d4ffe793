import { runAudioBench } from './audio-bench';
import { runDeliveryBench } from './delivery-bench';
import { runHotPathBench } from './hot-path-bench';

/** `npm run bench`: tables for people, then one JSON line for machines. */
async function main(): Promise<void> {
  const results = {
    node: process.version,
    ...(await runAudioBench()),
    ...(await runHotPathBench()),
    ...(await runDeliveryBench()),
  };
  process.stdout.write(`\n${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
