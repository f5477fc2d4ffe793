// A real local n8n 2.x beside a sandbox bridge, as `npm run demo` and `npm run test:e2e` both use
// it: n8n installed once into a cache outside the repository, this package installed into it from
// its `npm pack` tarball (as users install community nodes), the credential created and the
// example workflows imported and published over n8n's own API.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const N8N_VERSION = '2.40.7';
const CACHE = process.env.VOICE_BRIDGE_CACHE ?? join(homedir(), '.cache', 'voice-bridge');
const N8N_DIR = join(CACHE, `n8n-${N8N_VERSION}`);
export const OWNER = { email: 'owner@voice-bridge.test', password: 'Demo-password-1' };
export const EXAMPLES = [
  'agent-call-to-crm.json',
  'transcribe-rep-lead-call.json',
  'call-ended-summary.json',
  'agent-tool-order-lookup.json',
  'inbound-receptionist.json',
];

const children = [];

export function say(message) {
  process.stdout.write(`[voice-bridge] ${message}\n`);
}

function npm(args, cwd) {
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** n8n, once: about 5 minutes and 3 GB the first time, nothing after. */
export function ensureN8n() {
  const marker = join(N8N_DIR, '.installed');
  if (existsSync(marker)) return;
  say(`installing n8n ${N8N_VERSION} into ${N8N_DIR} (first run only: about 5 minutes)…`);
  mkdirSync(N8N_DIR, { recursive: true });
  // linkedom >= 0.18.13 needs cssomnom, which some registry mirrors lack.
  writeFileSync(join(N8N_DIR, 'package.json'), JSON.stringify({ private: true, overrides: { linkedom: '0.18.12' } }));
  npm(['install', '--ignore-scripts', '--no-audit', '--no-fund', `n8n@${N8N_VERSION}`], N8N_DIR);
  say("building n8n's SQLite driver for this Node…");
  npm(['rebuild', 'sqlite3'], N8N_DIR);
  writeFileSync(marker, new Date().toISOString());
}

/** `npm pack` this package and install the tarball into n8n's community-nodes folder. */
export function installPackage(userFolder) {
  const packDir = mkdtempSync(join(tmpdir(), 'vb-pack-'));
  npm(['pack', '--pack-destination', packDir], ROOT);
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ private: true }));
  npm(
    [
      'install',
      '--ignore-scripts',
      '--omit=dev',
      '--omit=peer',
      '--no-audit',
      '--no-fund',
      join(packDir, `${name}-${version}.tgz`),
    ],
    nodesDir,
  );
}

export async function freePort(preferred) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address();
        server.close(() => resolve(bound));
      });
    });
  return (preferred && (await tryPort(preferred))) || tryPort(0);
}

/** A child in a process group of its own, its output in `logDir/<name>.log`. */
export function start(name, command, args, env, logDir) {
  mkdirSync(logDir, { recursive: true });
  const out = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  children.push(child);
  return child;
}

/** SIGTERM to each process group (n8n's task runner is a child), SIGKILL whatever is left after 15 s. */
export async function stopAll() {
  const signal = (child, name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const exited = children.map((child) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once('exit', resolve)),
  );
  for (const child of children) signal(child, 'SIGTERM');
  await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  for (const child of children) signal(child, 'SIGKILL');
}

export async function until(what, condition, timeoutMs = 60_000, intervalMs = 250) {
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

export async function http(url, { method = 'GET', headers = {}, json } = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  let body = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/**
 * Starts a sandbox bridge and n8n, and sets n8n up: owner login, an API key, the Voice Bridge
 * credential, and the example workflows created and published. Resolves to what callers need.
 */
export async function startDemo({ bridgePort, n8nPort, bridgeEnv = {}, bridgeApiKey = '', logDir }) {
  ensureN8n();
  const userFolder = mkdtempSync(join(tmpdir(), 'vb-n8n-'));
  say('installing this package into n8n from its npm pack tarball…');
  installPackage(userFolder);
  const [bridgePortFree, n8nPortFree, brokerPort] = await Promise.all([
    freePort(bridgePort),
    freePort(n8nPort),
    freePort(),
  ]);
  const bridgeUrl = `http://127.0.0.1:${bridgePortFree}`;
  const n8nUrl = `http://127.0.0.1:${n8nPortFree}`;
  say(`starting a sandbox bridge on ${bridgeUrl} and n8n on ${n8nUrl}…`);
  start(
    'bridge',
    process.execPath,
    [join(ROOT, 'bridge-server', 'bin', 'voice-bridge.js')],
    {
      PORT: String(bridgePortFree),
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      ...(bridgeApiKey ? { BRIDGE_API_KEY: bridgeApiKey } : {}),
      ...bridgeEnv,
    },
    logDir,
  );
  const require = createRequire(join(N8N_DIR, 'node_modules', 'n8n', 'package.json'));
  const bcrypt = require('bcryptjs');
  start(
    'n8n',
    process.execPath,
    [join(N8N_DIR, 'node_modules', 'n8n', 'bin', 'n8n'), 'start'],
    {
      N8N_USER_FOLDER: userFolder,
      N8N_ENCRYPTION_KEY: randomBytes(16).toString('hex'),
      N8N_PORT: String(n8nPortFree),
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_HOST: '127.0.0.1',
      N8N_PROTOCOL: 'http',
      WEBHOOK_URL: `${n8nUrl}/`,
      N8N_SECURE_COOKIE: 'false',
      N8N_RUNNERS_BROKER_PORT: String(brokerPort),
      N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
      N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
      N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
      N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
      N8N_REINSTALL_MISSING_PACKAGES: 'false',
      EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
      EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
      DB_SQLITE_POOL_SIZE: '2',
    },
    logDir,
  );
  await until('the bridge', async () => (await http(`${bridgeUrl}/healthz`)).status === 200, 30_000);
  // /healthz answers during start-up too ("n8n is starting up"): wait for readiness and a real API.
  await until(
    'n8n',
    async () =>
      (await http(`${n8nUrl}/healthz/readiness`)).status === 200 &&
      typeof (await http(`${n8nUrl}/rest/settings`)).body === 'object',
    180_000,
    500,
  );

  const browserId = randomBytes(8).toString('hex');
  const login = await until(
    'login',
    async () => {
      const response = await http(`${n8nUrl}/rest/login`, {
        method: 'POST',
        headers: { 'browser-id': browserId },
        json: { emailOrLdapLoginId: OWNER.email, password: OWNER.password },
      });
      return response.status === 200 && typeof response.body === 'object' ? response : undefined;
    },
    30_000,
    1000,
  );
  const session = {
    cookie: login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
    'browser-id': browserId,
  };
  const scopes = (await http(`${n8nUrl}/rest/api-keys/scopes`, { headers: session })).body.data;
  const created = await http(`${n8nUrl}/rest/api-keys`, {
    method: 'POST',
    headers: session,
    json: { label: 'voice-bridge', scopes, expiresAt: null },
  });
  const apiKey = created.body?.data?.rawApiKey;
  if (!apiKey) throw new Error(`creating an n8n API key failed: ${created.status} ${JSON.stringify(created.body)}`);
  const publicApi = { 'X-N8N-API-KEY': apiKey };
  const credential = await http(`${n8nUrl}/rest/credentials`, {
    method: 'POST',
    headers: session,
    json: {
      name: 'Voice Bridge',
      type: 'voiceBridgeApi',
      data: { baseUrl: bridgeUrl, apiKey: bridgeApiKey, webhookSecret: '' },
    },
  });
  if (credential.status >= 300)
    throw new Error(`creating the credential failed: ${credential.status} ${JSON.stringify(credential.body)}`);
  const credentialId = credential.body.data.id;

  const n8n = {
    url: n8nUrl,
    session,
    credentialId,
    publicApi,
    async createWorkflow(file) {
      const example = JSON.parse(
        readFileSync(join(ROOT, 'examples', file), 'utf8').replaceAll('VOICE_BRIDGE_CREDENTIAL_ID', credentialId),
      );
      const made = await http(`${n8nUrl}/api/v1/workflows`, {
        method: 'POST',
        headers: publicApi,
        json: {
          name: example.name,
          nodes: example.nodes,
          connections: example.connections,
          settings: example.settings,
        },
      });
      if (made.status >= 300) throw new Error(`creating ${file} failed: ${made.status} ${JSON.stringify(made.body)}`);
      return { ...example, id: made.body.id };
    },
    async publish(workflow) {
      const response = await http(`${n8nUrl}/api/v1/workflows/${workflow.id}/activate`, {
        method: 'POST',
        headers: publicApi,
      });
      if (response.status >= 300)
        throw new Error(`publishing ${workflow.name} failed: ${response.status} ${JSON.stringify(response.body)}`);
      // Publishing is asynchronous in 2.40: triggers are live once the status says so.
      await until(
        `${workflow.name} to be published`,
        async () => {
          const status = await http(`${n8nUrl}/rest/workflows/${workflow.id}/publication-status`, { headers: session });
          if (status.status === 404) return true;
          const data = status.body?.data ?? {};
          const failed = (data.triggers ?? []).filter((trigger) => trigger.errorMessage);
          if (failed.length > 0) throw new Error(`trigger activation failed: ${JSON.stringify(failed)}`);
          return (
            data.status === 'published' && (data.triggers ?? []).every((trigger) => trigger.status === 'activated')
          );
        },
        60_000,
        500,
      );
    },
    async unpublish(workflow) {
      const response = await http(`${n8nUrl}/api/v1/workflows/${workflow.id}/deactivate`, {
        method: 'POST',
        headers: publicApi,
      });
      if (response.status >= 300)
        throw new Error(`unpublishing failed: ${response.status} ${JSON.stringify(response.body)}`);
    },
    async executions(workflow) {
      const list = await http(`${n8nUrl}/api/v1/executions?workflowId=${workflow.id}&includeData=true&limit=50`, {
        headers: publicApi,
      });
      return list.body.data ?? [];
    },
  };
  const workflows = {};
  for (const file of EXAMPLES) {
    workflows[file] = await n8n.createWorkflow(file);
    await n8n.publish(workflows[file]);
  }
  return { bridgeUrl, n8n, userFolder, workflows };
}

/** The items a node put out in an execution. */
export function nodeOutput(execution, nodeName) {
  return execution.data?.resultData?.runData?.[nodeName]?.at(-1)?.data?.main?.[0]?.map((item) => item.json) ?? [];
}

/** The ready-to-paste request that starts the agent-call example. */
export function agentFlowCurl(n8nUrl) {
  return `curl -s -X POST ${n8nUrl}/webhook/voice-bridge/new-lead -H 'content-type: application/json' -d '{"phone":"+15551230000","name":"Sam","contactId":"crm-42"}'`;
}
