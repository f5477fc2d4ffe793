import type { SpeechClient } from '@google-cloud/speech';
import { isSilentMulaw } from '../audio/voice-activity';
import type { Logger } from '../shared/logger';
import { RetryBackoff } from './retry-backoff';

/** Google ends a streaming recognition after about 305 s of audio; restart comfortably before. */
export const RESTART_AFTER_AUDIO_MS = 290_000;
const OUT_OF_RANGE = 11;
/** Errors that the same request will only get again: the track stops trying. */
const PERMANENT_ERRORS: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  7: 'PERMISSION_DENIED',
  16: 'UNAUTHENTICATED',
};
const FRAME_MS = 20;
/** Re-sent audio is capped: nobody speaks this long without a pause that yields a final result. */
const MAX_RESEND_MS = 30_000;

interface Duration {
  seconds?: number | string | Long | null;
  nanos?: number | null;
}
type Long = { toNumber(): number };

function durationMs(duration: Duration | null | undefined): number | undefined {
  if (!duration) return undefined;
  const seconds =
    typeof duration.seconds === 'object' && duration.seconds !== null
      ? duration.seconds.toNumber()
      : Number(duration.seconds ?? 0);
  return seconds * 1000 + Math.round((duration.nanos ?? 0) / 1e6);
}

interface RecognitionResult {
  alternatives?: { transcript?: string | null; words?: { startTime?: Duration | null }[] | null }[] | null;
  isFinal?: boolean | null;
  resultEndTime?: Duration | null;
}

export interface SpeechListener {
  /** A provisional hypothesis (live viewers only). */
  interim(text: string, startMs: number): void;
  /** A final result, on the media stream's clock. */
  final(entry: { text: string; startMs: number; endMs: number }): void;
  /** Recognition stopped for good on this track (a permanent error); the call goes on. */
  failed(reason: string): void;
}

export interface SpeechStreamOptions {
  client: SpeechClient;
  log: Logger;
  languageCode: string;
  /** The recognition model (see speech-models.ts). */
  model: string;
  /** Free-text description passed as RecognitionMetadata.audioTopic. */
  audioTopic: string;
  restartAfterAudioMs?: number;
}

type RecognizeStream = ReturnType<SpeechClient['streamingRecognize']>;

/**
 * One track's "endless" streaming recognition (v1 StreamingRecognize, μ-law 8 kHz, the
 * language's telephony model). Before Google's 305 s limit, or when it answers OUT_OF_RANGE, the stream is replaced:
 * the old one is cancelled (its unfinished hypotheses dropped), and the audio since the last final
 * result is sent again to the new one, whose result times are shifted by where its audio starts.
 * So no words are lost, and none are reported twice. A transient error restarts it the same
 * way after an exponential back-off (audio meanwhile is kept); a permanent one (invalid
 * argument, permission, authentication) stops this track and says why.
 */
export class EndlessSpeechStream {
  private stream?: RecognizeStream;
  private generation = 0;
  /** Stream-clock time at which the current recognition stream's audio begins. */
  private offsetMs = 0;
  /** Audio not yet covered by a final result, kept for re-sending after a restart. */
  private unconfirmed: { atMs: number; audio: Buffer; silent: boolean }[] = [];
  private lastFinalEndMs = 0;
  private lastAudioMs = 0;
  private closing?: { resolve: () => void };
  private ended = false;
  private readonly backoff = new RetryBackoff();

  constructor(
    private readonly options: SpeechStreamOptions,
    private readonly listener: SpeechListener,
  ) {}

  /** One chunk of μ-law audio that started at `atMs` on the media stream's clock. */
  write(audio: Buffer, atMs: number): void {
    if (this.ended) return;
    if (!this.stream && !this.backoff.waiting) this.open(atMs);
    this.unconfirmed.push({ atMs, audio, silent: isSilentMulaw(audio) });
    this.lastAudioMs = atMs + (audio.length / 8000) * 1000;
    if (!this.stream) return;
    this.stream.write(audio);
    if (atMs - this.offsetMs >= (this.options.restartAfterAudioMs ?? RESTART_AFTER_AUDIO_MS))
      this.restart('time limit');
  }

  private open(fromMs: number): void {
    const generation = ++this.generation;
    this.offsetMs = fromMs;
    const stream = this.options.client.streamingRecognize({
      config: {
        encoding: 'MULAW',
        sampleRateHertz: 8000,
        languageCode: this.options.languageCode,
        model: this.options.model,
        enableAutomaticPunctuation: true,
        enableWordTimeOffsets: true,
        metadata: { interactionType: 'PHONE_CALL', originalMediaType: 'AUDIO', audioTopic: this.options.audioTopic },
      },
      interimResults: true,
    });
    this.stream = stream;
    stream.on('data', (response: { results?: RecognitionResult[] }) => {
      if (generation !== this.generation) return;
      this.backoff.reset();
      for (const result of response.results ?? []) this.onResult(result);
    });
    stream.on('error', (error: Error & { code?: number; details?: string }) => {
      if (generation !== this.generation) return;
      if (error.code === OUT_OF_RANGE) return this.restart('OUT_OF_RANGE');
      const permanent = error.code !== undefined ? PERMANENT_ERRORS[error.code] : undefined;
      if (permanent) return this.fail(`${permanent}: ${error.details ?? error.message}`);
      this.stop();
      const delayMs = this.backoff.schedule(() => this.restart('error'));
      this.options.log.warn(
        { err: error, topic: this.options.audioTopic, delayMs },
        'speech recognition stream failed; restarting after a back-off',
      );
    });
    stream.on('end', () => {
      if (generation === this.generation && this.closing) this.closing.resolve();
    });
  }

  private onResult(result: RecognitionResult): void {
    const alternative = result.alternatives?.[0];
    const text = alternative?.transcript?.trim();
    if (!text) return;
    const endMs = this.offsetMs + (durationMs(result.resultEndTime) ?? 0);
    const firstWordMs = durationMs(alternative?.words?.[0]?.startTime);
    const startMs = firstWordMs !== undefined ? this.offsetMs + firstWordMs : this.lastFinalEndMs;
    if (!result.isFinal) {
      this.listener.interim(text, startMs);
      return;
    }
    this.lastFinalEndMs = endMs;
    this.unconfirmed = this.unconfirmed.filter((chunk) => chunk.atMs + FRAME_MS > endMs);
    this.listener.final({ text, startMs: Math.round(startMs), endMs: Math.round(Math.max(startMs, endMs)) });
  }

  /** Drops the current recognition stream (its unfinished hypotheses with it). */
  private stop(): void {
    const old = this.stream;
    this.stream = undefined;
    this.generation++;
    old?.removeAllListeners('data');
    old?.on('error', () => undefined);
    old?.destroy();
  }

  /** A permanent error: this track stops recognising, and says why once. */
  private fail(reason: string): void {
    this.stop();
    this.ended = true;
    this.unconfirmed = [];
    this.options.log.error(
      { topic: this.options.audioTopic, reason },
      'speech recognition refused this track; it will not be retried',
    );
    this.listener.failed(reason);
    this.closing?.resolve();
  }

  /** Replaces the recognition stream, re-sending the audio no final result has covered yet. */
  private restart(reason: string): void {
    this.stop();
    if (this.ended || this.closing) return this.closing?.resolve();
    // Silence before the first unconfirmed speech carries no words: start the new stream at the speech.
    const firstVoiced = this.unconfirmed.findIndex((chunk) => !chunk.silent);
    const pending =
      firstVoiced < 0
        ? []
        : this.unconfirmed.slice(firstVoiced).filter((chunk) => chunk.atMs >= this.lastAudioMs - MAX_RESEND_MS);
    this.unconfirmed = pending;
    this.options.log.info(
      { reason, topic: this.options.audioTopic, resendMs: pending.length * FRAME_MS },
      'speech recognition stream restarted',
    );
    if (pending.length === 0) return;
    this.open(pending[0].atMs);
    for (const chunk of pending) this.stream!.write(chunk.audio);
  }

  /** Half-closes the stream and waits (bounded) for its last final results. */
  async finish(timeoutMs = 3000): Promise<void> {
    if (this.ended) return;
    this.backoff.cancel();
    const stream = this.stream;
    if (!stream) {
      this.ended = true;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.closing = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      stream.end();
    });
    this.ended = true;
    this.generation++;
    stream.destroy();
  }

  /** Stream-clock time of the latest audio written. */
  get audioMs(): number {
    return this.lastAudioMs;
  }
}
