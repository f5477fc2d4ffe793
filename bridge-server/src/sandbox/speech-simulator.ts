import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { MULAW_DECODE_TABLE } from '../audio/mulaw';
import type { Logger } from '../shared/logger';
import { DEFAULT_CALLEE_LINES, DEFAULT_PARTY_LINES } from './callee-script';

// Both packages keep their .proto files in build/protos, beside build/src where their main file is.
const SPEECH_PROTOS = join(dirname(require.resolve('@google-cloud/speech')), '..', 'protos');
const GAX_PROTOS = join(dirname(require.resolve('google-gax')), '..', 'protos');

/** A 20 ms frame whose loudest sample reaches this counts as speech. */
const VOICE_PEAK = 1500;
const END_OF_SEGMENT_MS = 400;
const BYTES_PER_MS = 8;

/** Languages the service offers the (older) phone_call model for. */
const PHONE_CALL_LANGUAGES = new Set(['en-US', 'en-GB', 'es-US', 'fr-FR', 'ja-JP', 'ru-RU']);
/** Languages the service has no telephony model for (the sandbox's examples). */
const NO_TELEPHONY_LANGUAGES = new Set(['sw-KE', 'is-IS', 'mt-MT', 'zu-ZA']);

/** The INVALID_ARGUMENT the service answers for a model a language does not have. */
function modelRefusal(model: string | undefined, language: string | undefined): string | undefined {
  const lang = language ?? '';
  if (model === 'phone_call' && !PHONE_CALL_LANGUAGES.has(lang))
    return `The requested model is currently not supported for language : ${lang}.`;
  if (model === 'telephony' && NO_TELEPHONY_LANGUAGES.has(lang))
    return `The requested model is currently not supported for language : ${lang}.`;
  return undefined;
}

/** Streams that fail at once with a gRPC status, as the service does on a bad credential or an outage. */
export interface InjectedFailure {
  code: grpc.status;
  details: string;
  /** How many streams fail (Infinity: every one). */
  times: number;
}

export interface SpeechSimulatorOptions {
  log: Logger;
  /** End each stream with OUT_OF_RANGE after this much audio (exercises restarts). */
  outOfRangeAfterMs?: number;
}

interface Segment {
  startMs: number;
  lastVoiceMs: number;
  interimSent: number;
}

type Duplex = grpc.ServerDuplexStream<Record<string, unknown>, Record<string, unknown>>;

function duration(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) };
}

/**
 * A gRPC Speech-to-Text v1 server built from the .proto files that ship in @google-cloud/speech,
 * for the real client to stream to. It finds speech by energy and reports each utterance as the
 * next scripted line of that side of the call (the side and call come from the config's
 * RecognitionMetadata.audioTopic), with interim results while it lasts and word time offsets.
 */
export class SpeechSimulator {
  readonly server = new grpc.Server();
  /** Lines per side; tests may replace them. */
  lines: Record<'callee' | 'party', string[]> = { callee: DEFAULT_CALLEE_LINES, party: DEFAULT_PARTY_LINES };
  outOfRangeAfterMs?: number;
  /** Every stream opened fails like this while `times` lasts. */
  failure?: InjectedFailure;
  /** Lines already reported, per call and side: survives stream restarts, as Google's would not need to. */
  private readonly progress = new Map<string, number>();
  readonly streamsOpened: string[] = [];
  private port = 0;

  constructor(private readonly options: SpeechSimulatorOptions) {
    this.outOfRangeAfterMs = options.outOfRangeAfterMs;
    const definition = protoLoader.loadSync('google/cloud/speech/v1/cloud_speech.proto', {
      includeDirs: [SPEECH_PROTOS, GAX_PROTOS],
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: false,
      oneofs: true,
    });
    const proto = grpc.loadPackageDefinition(definition) as unknown as {
      google: { cloud: { speech: { v1: { Speech: { service: grpc.ServiceDefinition } } } } };
    };
    this.server.addService(proto.google.cloud.speech.v1.Speech.service, {
      streamingRecognize: (call: Duplex) => this.recognize(call),
      recognize: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
        callback({ code: grpc.status.UNIMPLEMENTED, message: 'only streamingRecognize is simulated' }),
      longRunningRecognize: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
        callback({ code: grpc.status.UNIMPLEMENTED, message: 'only streamingRecognize is simulated' }),
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    return this.endpoint;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  private recognize(call: Duplex): void {
    let topic = '';
    let receivedMs = 0;
    let segment: Segment | undefined;
    let closed = false;
    const key = () => topic;
    const side = (): 'callee' | 'party' => (/party side/.test(topic) ? 'party' : 'callee');
    const line = () => this.lines[side()][this.progress.get(key()) ?? 0];
    const finalize = (untilMs: number, partial: boolean) => {
      const text = line();
      const current = segment;
      segment = undefined;
      if (!current || !text) return;
      const words = text.split(' ');
      // A segment cut short (hang-up) keeps the words said so far.
      const said = partial
        ? Math.max(
            1,
            Math.min(
              words.length,
              Math.round(((untilMs - current.startMs) / Math.max(1, text.length * 65)) * words.length),
            ),
          )
        : words.length;
      const spoken = words.slice(0, said);
      const step = (untilMs - current.startMs) / spoken.length;
      call.write({
        results: [
          {
            alternatives: [
              {
                transcript: spoken.join(' '),
                confidence: 0.93,
                words: spoken.map((word, i) => ({
                  word,
                  startTime: duration(current.startMs + i * step),
                  endTime: duration(current.startMs + (i + 1) * step),
                })),
              },
            ],
            isFinal: true,
            resultEndTime: duration(untilMs),
            languageCode: 'en-us',
          },
        ],
      });
      this.progress.set(key(), (this.progress.get(key()) ?? 0) + 1);
    };
    call.on(
      'data',
      (request: {
        streamingConfig?: { config?: { model?: string; languageCode?: string; metadata?: { audioTopic?: string } } };
        audioContent?: Buffer;
      }) => {
        if (closed) return;
        if (request.streamingConfig) {
          const config = request.streamingConfig.config;
          topic = config?.metadata?.audioTopic ?? 'unknown';
          this.streamsOpened.push(topic);
          const refusal = modelRefusal(config?.model, config?.languageCode);
          const failure = this.failure && this.failure.times > 0 ? this.failure : undefined;
          if (failure) failure.times--;
          if (refusal || failure) {
            closed = true;
            call.emit('error', {
              code: failure?.code ?? grpc.status.INVALID_ARGUMENT,
              details: failure?.details ?? refusal,
            });
          }
          return;
        }
        const audio = request.audioContent;
        if (!audio?.length) return;
        for (let at = 0; at < audio.length; at += 160) {
          const frame = audio.subarray(at, at + 160);
          let peak = 0;
          for (const byte of frame) peak = Math.max(peak, Math.abs(MULAW_DECODE_TABLE[byte]));
          const frameMs = receivedMs;
          receivedMs += frame.length / BYTES_PER_MS;
          if (peak >= VOICE_PEAK) {
            segment ??= { startMs: frameMs, lastVoiceMs: frameMs, interimSent: 0 };
            segment.lastVoiceMs = frameMs + 20;
            const text = line();
            const heard = Math.floor((segment.lastVoiceMs - segment.startMs) / 500);
            if (text && heard > segment.interimSent) {
              segment.interimSent = heard;
              const words = text.split(' ');
              call.write({
                results: [
                  {
                    alternatives: [
                      { transcript: words.slice(0, Math.min(words.length - 1, heard * 2)).join(' ') || words[0] },
                    ],
                    isFinal: false,
                    stability: 0.5,
                    resultEndTime: duration(segment.lastVoiceMs),
                  },
                ],
              });
            }
          } else if (segment && frameMs - segment.lastVoiceMs >= END_OF_SEGMENT_MS) {
            finalize(segment.lastVoiceMs, false);
          }
          if (this.outOfRangeAfterMs !== undefined && receivedMs >= this.outOfRangeAfterMs) {
            closed = true;
            this.options.log.debug({ topic, receivedMs }, 'speech simulator ends a stream with OUT_OF_RANGE');
            call.emit('error', { code: grpc.status.OUT_OF_RANGE, details: 'Exceeded maximum allowed stream duration' });
            return;
          }
        }
      },
    );
    call.on('end', () => {
      if (closed) return;
      if (segment) finalize(segment.lastVoiceMs, true);
      call.end();
    });
    call.on('error', () => undefined);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }
}
