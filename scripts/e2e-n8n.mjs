#!/usr/bin/env node
// End-to-end in a real n8n 2.40.7, headless (see ../shared/design/N8N-E2E.md): installs n8n once
// into a cache outside the repository, installs this package from its `npm pack` tarball the way
// users do, starts a sandbox bridge and n8n, publishes the three example workflows over n8n's API
// and checks what users rely on. Prints "N passed, M failed" and exits non-zero on a failure.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N8N_VERSION = '2.40.7';
const CACHE = process.env.VOICE_BRIDGE_CACHE ?? join(homedir(), '.cache', 'voice-bridge');
const N8N_DIR = join(CACHE, `n8n-${N8N_VERSION}`);
const LOG_DIR = join(ROOT, 'test-artifacts', 'e2e');
const API_KEY = `e2e-${randomBytes(8).toString('hex')}`;
const OWNER = { email: 'owner@voice-bridge.test', password: 'E2e-password-1' };
const children = [];

function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

function npm(args, cwd) {
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd });
}

function ensureN8n() {
  const marker = join(N8N_DIR, '.installed');
  if (existsSync(marker)) return;
  log(`installing n8n ${N8N_VERSION} into ${N8N_DIR} (once; about 5 minutes)`);
  mkdirSync(N8N_DIR, { recursive: true });
  // linkedom >= 0.18.13 needs cssomnom, which the registry mirror lacks.
  writeFileSync(join(N8N_DIR, 'package.json'), JSON.stringify({ private: true, overrides: { linkedom: '0.18.12' } }));
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`], N8N_DIR);
  npm(['rebuild', 'sqlite3'], N8N_DIR);
  writeFileSync(marker, new Date().toISOString());
}

function installPackage(userFolder) {
  const packDir = mkdtempSync(join(tmpdir(), 'vb-pack-'));
  npm(['pack', '--pack-destination', packDir], ROOT);
  const tarball = join(packDir, readFileSync(join(ROOT, 'package.json'), 'utf8').match(/"name": "([^"]+)"/)[1] + `-${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}.tgz`);
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ private: true }));
  npm(['install', '--ignore-scripts', '--omit=dev', '--omit=peer', '--no-audit', '--no-fund', tarball], nodesDir);
  return tarball;
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(name, command, args, env) {
  mkdirSync(LOG_DIR, { recursive: true });
  const out = createWriteStream(join(LOG_DIR, `${name}.log`));
  const child = spawn(command, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  children.push(child);
  return child;
}

/** SIGTERM to each process group (n8n's task runner is a child), SIGKILL whatever is left after 15 s. */
async function stopAll() {
  const signal = (child, name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const exited = children.map((child) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve))));
  for (const child of children) signal(child, 'SIGTERM');
  await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  for (const child of children) signal(child, 'SIGKILL');
}

async function until(what, condition, timeoutMs = 60_000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await condition();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

async function http(url, { method = 'GET', headers = {}, json } = {}) {
  const response = await fetch(url, { method, headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await response.text();
  let body = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

async function main() {
  ensureN8n();
  const userFolder = mkdtempSync(join(tmpdir(), 'vb-n8n-'));
  installPackage(userFolder);
  log('package installed into n8n\'s nodes folder from its npm pack tarball');

  const [bridgePort, n8nPort, brokerPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const bridgeUrl = `http://127.0.0.1:${bridgePort}`;
  const n8nUrl = `http://127.0.0.1:${n8nPort}`;
  const prefix = `vbe2e:${randomBytes(4).toString('hex')}:`;
  start('bridge', process.execPath, [join(ROOT, 'bridge-server', 'bin', 'voice-bridge.js')], {
    PORT: String(bridgePort), HOST: '127.0.0.1', BRIDGE_API_KEY: API_KEY, SANDBOX_SPEED: '4', REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: prefix,
  });
  const require = createRequire(join(N8N_DIR, 'node_modules', 'n8n', 'package.json'));
  const bcrypt = require('bcryptjs');
  start('n8n', process.execPath, [join(N8N_DIR, 'node_modules', 'n8n', 'bin', 'n8n'), 'start'], {
    N8N_USER_FOLDER: userFolder, N8N_ENCRYPTION_KEY: randomBytes(16).toString('hex'), N8N_PORT: String(n8nPort), N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1', N8N_PROTOCOL: 'http', WEBHOOK_URL: `${n8nUrl}/`, N8N_SECURE_COOKIE: 'false', N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true', N8N_INSTANCE_OWNER_EMAIL: OWNER.email, N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
    N8N_DIAGNOSTICS_ENABLED: 'false', N8N_VERSION_NOTIFICATIONS_ENABLED: 'false', N8N_TEMPLATES_ENABLED: 'false',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'true', N8N_UNVERIFIED_PACKAGES_ENABLED: 'true', N8N_REINSTALL_MISSING_PACKAGES: 'false',
    EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all', EXECUTIONS_DATA_SAVE_ON_ERROR: 'all', DB_SQLITE_POOL_SIZE: '2',
  });
  await until('the bridge', async () => (await http(`${bridgeUrl}/healthz`)).status === 200, 30_000);
  // /healthz answers during start-up too ("n8n is starting up"): wait for readiness and a real API.
  await until('n8n', async () => (await http(`${n8nUrl}/healthz/readiness`)).status === 200 && typeof (await http(`${n8nUrl}/rest/settings`)).body === 'object', 180_000, 500);
  log(`bridge at ${bridgeUrl}, n8n at ${n8nUrl}`);

  const browserId = randomBytes(8).toString('hex');
  const login = await until('login', async () => {
    const response = await http(`${n8nUrl}/rest/login`, { method: 'POST', headers: { 'browser-id': browserId }, json: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
    return response.status === 200 && typeof response.body === 'object' ? response : undefined;
  }, 30_000, 1000);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const session = { cookie, 'browser-id': browserId };
  const scopes = (await http(`${n8nUrl}/rest/api-keys/scopes`, { headers: session })).body.data;
  const created = await http(`${n8nUrl}/rest/api-keys`, { method: 'POST', headers: session, json: { label: 'e2e', scopes, expiresAt: null } });
  const apiKey = created.body?.data?.rawApiKey;
  if (!apiKey) throw new Error(`creating an API key failed: ${created.status} ${JSON.stringify(created.body)} (scopes: ${JSON.stringify(scopes)})`);
  const publicApi = { 'X-N8N-API-KEY': apiKey };
  const credential = await http(`${n8nUrl}/rest/credentials`, { method: 'POST', headers: session, json: { name: 'Voice Bridge', type: 'voiceBridgeApi', data: { baseUrl: bridgeUrl, apiKey: API_KEY, webhookSecret: '' } } });
  if (credential.status >= 300) throw new Error(`creating the credential failed: ${credential.status} ${JSON.stringify(credential.body)}`);
  const credentialId = credential.body.data.id;

  async function createWorkflow(file) {
    const example = JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8').replaceAll('VOICE_BRIDGE_CREDENTIAL_ID', credentialId));
    const created = await http(`${n8nUrl}/api/v1/workflows`, { method: 'POST', headers: publicApi, json: { name: example.name, nodes: example.nodes, connections: example.connections, settings: example.settings } });
    if (created.status >= 300) throw new Error(`creating ${file} failed: ${created.status} ${JSON.stringify(created.body)}`);
    return { ...example, id: created.body.id };
  }

  async function publish(workflow) {
    let response = await http(`${n8nUrl}/api/v1/workflows/${workflow.id}/activate`, { method: 'POST', headers: publicApi });
    if (response.status === 404) response = await http(`${n8nUrl}/api/v1/workflows/${workflow.id}/publish`, { method: 'POST', headers: publicApi });
    if (response.status >= 300) throw new Error(`publishing ${workflow.name} failed: ${response.status} ${JSON.stringify(response.body)}`);
    await until(`${workflow.name} to be published`, async () => {
      const status = await http(`${n8nUrl}/rest/workflows/${workflow.id}/publication-status`, { headers: session });
      if (status.status === 404) return true; // older API: activation is synchronous
      const data = status.body?.data ?? {};
      const failed = (data.triggers ?? []).filter((trigger) => trigger.errorMessage);
      if (failed.length > 0) throw new Error(`trigger activation failed: ${JSON.stringify(failed)}`);
      return data.status === 'published' && (data.triggers ?? []).every((trigger) => trigger.status === 'activated');
    }, 60_000, 500);
  }

  async function unpublish(workflow) {
    let response = await http(`${n8nUrl}/api/v1/workflows/${workflow.id}/deactivate`, { method: 'POST', headers: publicApi });
    if (response.status === 404) response = await http(`${n8nUrl}/api/v1/workflows/${workflow.id}/unpublish`, { method: 'POST', headers: publicApi });
    if (response.status >= 300) throw new Error(`unpublishing failed: ${response.status} ${JSON.stringify(response.body)}`);
  }

  async function executions(workflow) {
    const list = await http(`${n8nUrl}/api/v1/executions?workflowId=${workflow.id}&includeData=true&limit=50`, { headers: publicApi });
    return list.body.data ?? [];
  }

  function nodeOutput(execution, nodeName) {
    return execution.data?.resultData?.runData?.[nodeName]?.at(-1)?.data?.main?.[0]?.map((item) => item.json) ?? [];
  }

  const bridgeApi = { authorization: `Bearer ${API_KEY}` };
  const results = [];
  async function check(name, body) {
    try {
      await body();
      results.push({ name, ok: true });
      log(`PASS ${name}`);
    } catch (error) {
      results.push({ name, ok: false });
      log(`FAIL ${name}: ${error.stack ?? error}`);
    }
  }

  const agentFlow = await createWorkflow('agent-call-to-crm.json');
  const repFlow = await createWorkflow('transcribe-rep-lead-call.json');
  const endedFlow = await createWorkflow('call-ended-summary.json');
  let endedSubscription;

  await check('Call Ended registers a subscription with the bridge when published', async () => {
    await publish(endedFlow);
    const subscriptions = (await http(`${bridgeUrl}/v1/subscriptions`, { headers: bridgeApi })).body.subscriptions;
    endedSubscription = subscriptions.find((s) => s.url.includes(endedFlow.nodes[0].webhookId));
    if (!endedSubscription) throw new Error(`no subscription for the trigger: ${JSON.stringify(subscriptions)}`);
  });

  await check('Place Call -> Await Transcript resumes with the transcript (CRM record built)', async () => {
    await publish(agentFlow);
    const started = await http(`${n8nUrl}/webhook/voice-bridge/new-lead`, { method: 'POST', json: { phone: '+15551230000', name: 'Sam', contactId: 'crm-42' } });
    if (started.status !== 200) throw new Error(`webhook answered ${started.status}`);
    const done = await until('the agent flow to finish', async () => (await executions(agentFlow)).find((e) => e.status === 'success' && e.finished), 120_000, 1000);
    const [record] = nodeOutput(done, 'CRM Record');
    if (!record || record.contactId !== 'crm-42' || record.outcome !== 'completed' || !String(record.callNotes).startsWith('Agent: ')) throw new Error(`unexpected CRM record ${JSON.stringify(record)}`);
    log(`CRM record: ${JSON.stringify(record).slice(0, 300)}`);
  });

  await check('Call Ended fires with a signed delivery and builds the summary', async () => {
    const fired = await until('the trigger to fire', async () => (await executions(endedFlow)).find((e) => e.status === 'success'), 60_000, 1000);
    const [summary] = nodeOutput(fired, 'Summary');
    if (!summary || !/^AI call to \+15551230000: completed/.test(summary.headline)) throw new Error(`unexpected summary ${JSON.stringify(summary)}`);
  });

  await check('a forged delivery to the trigger is refused with 401', async () => {
    const body = JSON.stringify({ id: 'evt_forged', type: 'call.ended', createdAt: new Date().toISOString(), call: { id: 'call_forged', status: 'completed', mode: 'agent', transcript: [] } });
    const response = await fetch(endedSubscription.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-voice-bridge-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` }, body });
    if (response.status !== 401) throw new Error(`forged delivery got ${response.status}`);
  });

  await check('a transcribed rep-lead call resumes with both sides of the conversation', async () => {
    const modes = (await http(`${bridgeUrl}/readyz`)).body.modes;
    if (!modes.includes('transcribe')) throw new Error(`the bridge offers no transcribe mode (modes: ${modes})`);
    await publish(repFlow);
    await http(`${n8nUrl}/webhook/voice-bridge/rep-call`, { method: 'POST', json: { leadPhone: '+15551230000', repPhone: '+15559870000', dealId: 'deal-9' } });
    const done = await until('the rep-lead flow to finish', async () => (await executions(repFlow)).find((e) => e.status === 'success' && e.finished), 120_000, 1000);
    const [activity] = nodeOutput(done, 'Deal Activity');
    if (!activity || activity.dealId !== 'deal-9' || !activity.repSaid || !activity.leadSaid) throw new Error(`unexpected deal activity ${JSON.stringify(activity)}`);
  });

  await check('Call Ended unregisters its subscription when unpublished', async () => {
    await unpublish(endedFlow);
    await until('the subscription to go', async () => (await http(`${bridgeUrl}/v1/subscriptions/${endedSubscription.id}`, { headers: bridgeApi })).status === 404, 30_000);
  });

  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  process.stdout.write(`\ne2e: ${passed} passed, ${failed} failed\n`);
  rmSync(userFolder, { recursive: true, force: true });
  return failed === 0;
}

main()
  .then(async (ok) => {
    await stopAll();
    process.exit(ok ? 0 : 1);
  })
  .catch(async (error) => {
    process.stderr.write(`[e2e] ${error.stack ?? error}\n`);
    await stopAll();
    process.exit(1);
  });
