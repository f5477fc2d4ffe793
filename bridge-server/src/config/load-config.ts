import { availableParallelism } from 'node:os';
/**
 * Configuration: read from the environment once, at start-up, into a frozen object. Every problem
 * is reported together. Nothing else in the bridge reads `process.env`.
 */

import { allowedHostProblems } from './allowed-hosts';
import { readRedis, type RedisSettings } from './redis-settings';
import { DEFAULT_EVENTS_STREAM_MAX_LENGTH, readHistory, type HistorySettings } from './history-settings';
import { Reader, type Env } from './env-reader';

/** Google's default for voice agents (stable since September 2026). */
export const DEFAULT_GEMINI_MODEL = 'gemini-3.8-live';
/** Post-call analysis: a text model with structured output (Gemini 3.8 Flash, September 2026). */
export const DEFAULT_ANALYSIS_MODEL = 'gemini-3.8-flash';
/** The Live API is documented on v1beta (the SDK would otherwise use v1). */
export const DEFAULT_GEMINI_API_VERSION = 'v1beta';

export interface TwilioSettings {
  readonly accountSid: string;
  readonly authToken: string;
  readonly fromNumber: string;
  /** Replaces https://api.twilio.com (proxies, tests). */
  readonly apiBaseUrl?: string;
}

export interface GeminiSettings {
  readonly apiKey: string;
  readonly model: string;
  readonly baseUrl?: string;
  readonly apiVersion: string;
  /** GEMINI_ANALYSIS_MODEL: the text model of post-call analysis. */
  readonly analysisModel: string;
}

export interface SpeechSettings {
  /** `host:port`; unset means Google's public endpoint. */
  readonly endpoint?: { readonly host: string; readonly port: number };
  /** Plaintext gRPC and no credentials (local test servers only). */
  readonly insecure: boolean;
  readonly credentialsFile?: string;
  /**
   * GOOGLE_STT_ADC: Application Default Credentials (workload identity on GCP, `gcloud auth
   * application-default login` elsewhere) instead of a key file.
   */
  readonly applicationDefaultCredentials?: boolean;
  /** SPEECH_MODEL: one recognition model for every call; unset, each language's telephony model. */
  readonly model?: string;
}

export interface BridgeConfig {
  readonly port: number;
  readonly host: string;
  /** Public base URL without a trailing slash; in sandbox mode it may be left to the listen address. */
  readonly publicUrl?: string;
  readonly apiKey?: string;
  /** Absent: the in-memory store. */
  readonly redis?: RedisSettings;
  /** Bridge processes on this port (BRIDGE_WORKERS; 1: this process is the bridge). */
  readonly workers: number;
  readonly redisKeyPrefix: string;
  /** Absent: no PostgreSQL archive (DATABASE_URL unset). */
  readonly history?: HistorySettings;
  /** EVENTS_STREAM_MAX_LENGTH: entries the events stream keeps (about; Redis trims in whole nodes). */
  readonly eventsStreamMaxLength: number;
  /** Simulated carrier, agent and recogniser in-process (no Twilio account). */
  readonly sandbox: boolean;
  /** Live Twilio; absent in sandbox mode, where the simulated carrier's settings are used. */
  readonly twilio?: TwilioSettings;
  /** Absent: agent mode only in sandbox (simulated agent). */
  readonly gemini?: GeminiSettings;
  /** Absent: transcribe mode only in sandbox (simulated recogniser). */
  readonly speech?: SpeechSettings;
  readonly logLevel: string;
  /** `auto`: human lines on a terminal, JSON otherwise. */
  readonly logFormat: 'json' | 'pretty' | 'auto';
  /** How long SIGTERM lets active calls go on before the process exits. */
  readonly shutdownGraceSec: number;
  /** Sandbox clock: 1 is real time; 10 runs simulated calls ten times faster. */
  readonly sandboxSpeed: number;
  /** How soon a delivery whose instance died is taken up by another (or by this one restarted). */
  readonly deliveryLeaseSec: number;
  /** WEBHOOK_ALLOWED_HOSTS: when set, the only hosts and CIDR ranges the bridge sends to. */
  readonly webhookAllowedHosts?: readonly string[];
  /** Viewers of /v1/live at once. */
  readonly liveMaxViewers: number;
  /** Connecting to Gemini Live plus its `setupComplete` must take no longer than this. */
  readonly geminiSetupTimeoutMs: number;
  /** The sandbox carrier's media network: frames per burst, and a gap of `gapFrames` every `gapEvery`. */
  readonly sandboxMedia: { readonly burstFrames: number; readonly gapEvery: number; readonly gapFrames: number };
  /** Outbound pacing: at most this many dials a second for the Twilio account (unset: no pacing). */
  readonly twilioCallsPerSecond?: number;
  /** How long an incoming call waits for its inbound route's answer before the fallback is used. */
  readonly inboundRouteTimeoutMs: number;
  /** Calls to numbers without an inbound route: the agent with this prompt; unset, a polite refusal. */
  readonly inboundDefaultPrompt?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const E164 = /^\+[1-9]\d{6,14}$/;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readTwilio(r: Reader): TwilioSettings | undefined {
  const why = 'in live mode (TWILIO_ACCOUNT_SID is set)';
  const accountSid = r.required('TWILIO_ACCOUNT_SID', why);
  const authToken = r.required('TWILIO_AUTH_TOKEN', why);
  const fromNumber = r.required('TWILIO_FROM_NUMBER', why);
  const apiBaseUrl = r.url('TWILIO_API_BASE_URL', ['http:', 'https:']);
  if (accountSid && !ACCOUNT_SID.test(accountSid))
    r.problems.push('TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits');
  if (fromNumber && !E164.test(fromNumber))
    r.problems.push(`TWILIO_FROM_NUMBER must be an E.164 number such as +15557650000 (got "${fromNumber}")`);
  if (!accountSid || !authToken || !fromNumber) return undefined;
  return { accountSid, authToken, fromNumber, apiBaseUrl };
}

function readGemini(r: Reader): GeminiSettings | undefined {
  const apiKey = r.text('GEMINI_API_KEY');
  const baseUrl = r.url('GEMINI_BASE_URL', ['http:', 'https:', 'ws:', 'wss:']);
  const apiVersion = r.text('GEMINI_API_VERSION') ?? DEFAULT_GEMINI_API_VERSION;
  const model = r.text('GEMINI_MODEL') ?? DEFAULT_GEMINI_MODEL;
  if (/^(models\/)?gemini-live-/.test(model))
    r.problems.push(
      `GEMINI_MODEL "${model}" is a Vertex AI model id; this bridge speaks to the Gemini API only (use a Gemini API model such as ${DEFAULT_GEMINI_MODEL})`,
    );
  const analysisModel = r.text('GEMINI_ANALYSIS_MODEL') ?? DEFAULT_ANALYSIS_MODEL;
  if (/live/.test(analysisModel))
    r.problems.push(
      `GEMINI_ANALYSIS_MODEL "${analysisModel}" is a Live model; post-call analysis needs a text model such as ${DEFAULT_ANALYSIS_MODEL}`,
    );
  if (!apiKey) {
    if (baseUrl || r.text('GEMINI_MODEL') || r.text('GEMINI_ANALYSIS_MODEL'))
      r.problems.push('GEMINI_API_KEY is required when other GEMINI_* settings are given');
    return undefined;
  }
  return { apiKey, model, baseUrl, apiVersion, analysisModel };
}

function readSpeech(r: Reader): SpeechSettings | undefined {
  const credentialsFile = r.text('GOOGLE_APPLICATION_CREDENTIALS');
  const rawEndpoint = r.text('GOOGLE_STT_ENDPOINT');
  const insecure = r.flag('GOOGLE_STT_INSECURE');
  let endpoint: SpeechSettings['endpoint'];
  if (rawEndpoint) {
    const match = /^([^:\s]+|\[[^\]]+\]):(\d{1,5})$/.exec(rawEndpoint);
    if (!match || Number(match[2]) > 65535)
      r.problems.push(`GOOGLE_STT_ENDPOINT must be host:port (got "${rawEndpoint}")`);
    else endpoint = { host: match[1], port: Number(match[2]) };
  }
  if (insecure && !rawEndpoint)
    r.problems.push('GOOGLE_STT_INSECURE needs GOOGLE_STT_ENDPOINT (plaintext is only for a local server)');
  const applicationDefaultCredentials = r.flag('GOOGLE_STT_ADC');
  if (applicationDefaultCredentials && credentialsFile)
    r.problems.push('GOOGLE_STT_ADC and GOOGLE_APPLICATION_CREDENTIALS are alternatives: set one');
  const model = r.text('SPEECH_MODEL');
  if (!credentialsFile && !rawEndpoint && !applicationDefaultCredentials) return undefined;
  return { endpoint, insecure, credentialsFile, applicationDefaultCredentials, model };
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** BRIDGE_WORKERS: `auto` (one per core) or a number; more than one needs the shared store. */
function readWorkers(r: Reader, shared: boolean): number {
  const raw = r.text('BRIDGE_WORKERS');
  const workers = raw === 'auto' ? availableParallelism() : r.number('BRIDGE_WORKERS', 1, 1, 64);
  if (workers > 1 && !shared)
    r.problems.push('BRIDGE_WORKERS above 1 needs REDIS_URL: the workers share calls and deliveries through Redis');
  return workers;
}

export function loadConfig(env: Env = process.env): BridgeConfig {
  const r = new Reader(env);
  const sandbox = r.flag('SANDBOX') || !r.text('TWILIO_ACCOUNT_SID');
  const twilio = sandbox ? undefined : readTwilio(r);
  const publicUrl = r.url('PUBLIC_URL', ['http:', 'https:']);
  const apiKey = r.text('BRIDGE_API_KEY');
  if (!sandbox) {
    if (!publicUrl && !r.problems.some((p) => p.startsWith('PUBLIC_URL')))
      r.problems.push('PUBLIC_URL is required in live mode (Twilio must reach the bridge)');
    if (!apiKey) r.problems.push('BRIDGE_API_KEY is required in live mode');
    // Twilio opens media streams only over wss (error 31922), which an http PUBLIC_URL cannot give.
    // A loopback address is never Twilio's to reach: it serves a local carrier (load tests), so it may be http.
    if (publicUrl && !publicUrl.startsWith('https:') && !isLoopbackUrl(publicUrl))
      r.problems.push(
        `PUBLIC_URL must be https in live mode (Twilio requires wss:// media streams, error 31922); got ${publicUrl}`,
      );
  }
  const webhookAllowedHosts = r.list('WEBHOOK_ALLOWED_HOSTS');
  if (webhookAllowedHosts)
    for (const problem of allowedHostProblems(webhookAllowedHosts))
      r.problems.push(`WEBHOOK_ALLOWED_HOSTS: ${problem}`);
  const redis = readRedis(r);
  const redisKeyPrefix = r.text('REDIS_KEY_PREFIX') ?? 'voicebridge:';
  // Keys are grouped by hash tag (Redis Cluster); a prefix may hold braces only as one tag of its own.
  if (/[{}]/.test(redisKeyPrefix) && !/^[^{}]*\{[^{}]+\}[^{}]*$/.test(redisKeyPrefix))
    r.problems.push(
      `REDIS_KEY_PREFIX may contain braces only as one hash tag such as {tenant} (got "${redisKeyPrefix}")`,
    );
  const logLevel = r.text('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    r.problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  const config: BridgeConfig = {
    port: r.number('PORT', 8080, 0, 65535),
    host: r.text('HOST') ?? '0.0.0.0',
    publicUrl,
    apiKey,
    redis,
    redisKeyPrefix,
    history: readHistory(r, redis !== undefined),
    eventsStreamMaxLength: r.number('EVENTS_STREAM_MAX_LENGTH', DEFAULT_EVENTS_STREAM_MAX_LENGTH, 1000, 10_000_000),
    sandbox,
    twilio,
    gemini: readGemini(r),
    speech: readSpeech(r),
    logLevel,
    logFormat: r.choice('LOG_FORMAT', ['auto', 'json', 'pretty'], 'auto'),
    shutdownGraceSec: r.number('SHUTDOWN_GRACE_SEC', 30, 0, 3600),
    workers: readWorkers(r, redis !== undefined),
    sandboxSpeed: r.number('SANDBOX_SPEED', 1, 0.1, 100, false),
    deliveryLeaseSec: r.number('DELIVERY_LEASE_SEC', 30, 1, 55),
    webhookAllowedHosts,
    liveMaxViewers: r.number('LIVE_MAX_VIEWERS', 100, 1, 10_000),
    geminiSetupTimeoutMs: r.number('GEMINI_SETUP_TIMEOUT_SEC', 5, 0.1, 60, false) * 1000,
    sandboxMedia: {
      burstFrames: r.number('SANDBOX_MEDIA_BURST_FRAMES', 1, 1, 50),
      gapEvery: r.number('SANDBOX_MEDIA_GAP_EVERY', 0, 0, 100_000),
      gapFrames: r.number('SANDBOX_MEDIA_GAP_FRAMES', 0, 0, 250),
    },
    twilioCallsPerSecond: r.text('TWILIO_CALLS_PER_SECOND')
      ? r.number('TWILIO_CALLS_PER_SECOND', 1, 0.1, 1000, false)
      : undefined,
    // Twilio waits 15 s for a voice webhook's answer; the route must answer well inside that.
    inboundRouteTimeoutMs: r.number('INBOUND_ROUTE_TIMEOUT_SEC', 4, 0.5, 12, false) * 1000,
    inboundDefaultPrompt: r.text('INBOUND_DEFAULT_PROMPT'),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return Object.freeze(config);
}
