#!/usr/bin/env node
// `npm run demo`: a real local n8n with this package installed and the example workflows
// published, beside a sandbox bridge. Prints where everything is and a curl that starts an AI
// agent call; Ctrl-C stops everything it started.
import { join } from 'node:path';
import { agentFlowCurl, N8N_VERSION, OWNER, ROOT, say, startDemo, stopAll } from './n8n-local.mjs';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  say('stopping n8n and the bridge…');
  await stopAll();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const logDir = join(ROOT, 'test-artifacts', 'demo');
  const demo = await startDemo({
    bridgePort: Number(option('bridge-port', '8080')),
    n8nPort: Number(option('n8n-port', '5678')),
    bridgeApiKey: option('bridge-api-key', ''),
    bridgeEnv: { SANDBOX_SPEED: option('speed', '1') },
    logDir,
  });
  const curl = agentFlowCurl(demo.n8n.url);
  process.stdout.write(`
Voice Bridge demo is running (n8n ${N8N_VERSION}, sandbox bridge: simulated calls).

  n8n        ${demo.n8n.url}      log in as ${OWNER.email} / ${OWNER.password}
  dashboard  ${demo.bridgeUrl}/
  API docs   ${demo.bridgeUrl}/docs
  logs       ${logDir}

Published: ${Object.values(demo.workflows)
    .map((w) => w.name)
    .join('; ')}.

Start the AI agent call flow (a new lead is called, the transcript becomes a CRM item):

  ${curl}

Then open the "${demo.workflows['agent-call-to-crm.json'].name}" workflow's executions in n8n, or
watch the call live in the dashboard. Ctrl-C stops everything.
`);
  // The machine-readable line comes last, so a reader that waits for it has seen everything above.
  if (process.argv.includes('--json')) {
    process.stdout.write(
      `${JSON.stringify({ ready: true, bridgeUrl: demo.bridgeUrl, n8nUrl: demo.n8n.url, n8nApiKey: demo.n8n.publicApi['X-N8N-API-KEY'], session: demo.n8n.session, credentialId: demo.n8n.credentialId, workflows: Object.fromEntries(Object.entries(demo.workflows).map(([file, w]) => [file, w.id])), curl })}\n`,
    );
  }
} catch (error) {
  process.stderr.write(`[voice-bridge] demo failed: ${error.stack ?? error}\n`);
  await stop(1);
}
