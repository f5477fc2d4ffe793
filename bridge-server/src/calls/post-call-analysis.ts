import type { CallAnalyzer } from '../agent/call-analyzer';
import { callEvent, type EventPublisher } from '../delivery/event-publisher';
import { analysisSettled, toResource, type CallRecord } from '../model/call-record';
import type { Logger } from '../shared/logger';
import type { CallStore } from '../store/call-store';

/** How long one analysis may take before it is recorded as failed. */
const ANALYSIS_TIMEOUT_MS = 60_000;
const ERROR_CHARS = 300;

export interface PostCallAnalysisOptions {
  store: CallStore;
  analyzer: CallAnalyzer;
  events: EventPublisher;
  log: Logger;
  timeoutMs?: number;
}

/**
 * After `call.ended` is out, a call placed with `analysis` is analysed from its transcript (a
 * Gemini text model) and the result, or why there is none (`analysisError`), is stored on the
 * call and announced by `call.analyzed`. Nothing else about the call waits for it.
 */
export class PostCallAnalysis {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: PostCallAnalysisOptions) {}

  start(call: CallRecord): void {
    if (analysisSettled(call)) return;
    const run: Promise<void> = this.run(call.id)
      .catch((error: unknown) => this.options.log.error({ err: error, callId: call.id }, 'post-call analysis failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every analysis under way has finished (shutdown). */
  async finishAll(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async run(id: string): Promise<void> {
    const { store, analyzer, log } = this.options;
    const call = await store.getCall(id);
    if (!call?.analysisRequest) return;
    const transcript = await store.getTranscript(id);
    let outcome: Pick<CallRecord, 'analysis' | 'analysisError'>;
    if (!transcript.some((entry) => entry.kind !== 'tool')) {
      outcome = { analysisError: 'the call has no transcript to analyse (nobody spoke)' };
    } else {
      const started = performance.now();
      try {
        const signal = AbortSignal.timeout(this.options.timeoutMs ?? ANALYSIS_TIMEOUT_MS);
        outcome = { analysis: await analyzer.analyze(transcript, call.analysisRequest, signal) };
        log.info({ callId: id, model: analyzer.model, ms: Math.round(performance.now() - started) }, 'call analysed');
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        outcome = { analysisError: `${analyzer.model}: ${reason}`.slice(0, ERROR_CHARS) };
        log.warn({ callId: id, model: analyzer.model, reason: outcome.analysisError }, 'post-call analysis failed');
      }
    }
    const updated = await store.updateCall(id, (current) =>
      analysisSettled(current) ? undefined : { ...current, ...outcome },
    );
    if (!updated?.changed) return;
    await this.options.events.publish(callEvent('call.analyzed', toResource(updated.call, transcript), 'analyzed'));
  }
}
