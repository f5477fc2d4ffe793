import { FunctionResponseScheduling } from '@google/genai';
import type { GeminiLiveSession } from '../agent/gemini-live-session';
import type { ToolReply } from '../delivery/tool-webhook';
import type { Logger } from '../shared/logger';
import type { ToolUse } from '../shared/wire-types';
import type { NewTranscriptEntry } from '../store/call-store';
import type { CallToolbox } from './call-toolbox';
import type { TranscriptWriter } from './transcript-writer';

const SUMMARY_CHARS = 300;

function brief(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS)}…` : text;
}

/** The transcript entry of one tool use: who, with what, and what came back. */
export function toolEntry(use: ToolUse, startMs: number, endMs: number): NewTranscriptEntry {
  const outcome = use.cancelled ? 'cancelled' : use.error !== undefined ? `failed: ${use.error}` : brief(use.result);
  return {
    speaker: 'agent',
    kind: 'tool',
    text: `${use.name}(${brief(use.input)}) → ${outcome}`,
    startMs: Math.round(startMs),
    endMs: Math.round(endMs),
    tool: use,
  };
}

/** What the model is told: `output`, or `error` (the Live API's two keys). */
function responseOf(reply: ToolReply): Record<string, unknown> {
  return 'error' in reply ? { error: reply.error } : { output: reply.result };
}

interface Running {
  name: string;
  args: Record<string, unknown>;
  startMs: number;
  startedAt: number;
  controller: AbortController;
}

/**
 * The call's own tools (webhooks, MCP) while they run: each call is sent through the toolbox,
 * its result goes back to the model when it is idle (WHEN_IDLE, so "one moment" is finished
 * first), and every use becomes a `tool` transcript entry (and a `call.tool` event). The
 * model's cancellation aborts the request and drops the result.
 */
export class ToolCalls {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly toolbox: CallToolbox,
    private readonly session: GeminiLiveSession,
    private readonly writer: TranscriptWriter,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  has(name: string): boolean {
    return this.toolbox.has(name);
  }

  start(id: string, name: string, args: Record<string, unknown>): void {
    const running: Running = {
      name,
      args,
      startMs: this.now(),
      startedAt: performance.now(),
      controller: new AbortController(),
    };
    this.running.set(id, running);
    this.log.info({ tool: name, toolCallId: id, source: this.toolbox.source(name) }, 'tool called');
    void this.toolbox.run(id, name, args, running.controller.signal).then((reply) => {
      if (this.running.get(id) !== running) return;
      this.running.delete(id);
      this.session.sendToolResponse(id, name, responseOf(reply), FunctionResponseScheduling.WHEN_IDLE);
      this.record(id, running, 'error' in reply ? { error: reply.error } : { result: reply.result });
      this.log.info(
        { tool: name, toolCallId: id, ms: Math.round(performance.now() - running.startedAt), failed: 'error' in reply },
        'tool answered',
      );
    });
  }

  /** The model no longer wants these results (`toolCallCancellation`), or the call is over. */
  cancel(ids: readonly string[]): void {
    for (const id of ids) {
      const running = this.running.get(id);
      if (!running) continue;
      this.running.delete(id);
      running.controller.abort();
      this.record(id, running, { cancelled: true });
    }
  }

  cancelAll(): void {
    this.cancel([...this.running.keys()]);
  }

  private record(id: string, running: Running, outcome: Pick<ToolUse, 'result' | 'error' | 'cancelled'>): void {
    const use: ToolUse = {
      id,
      name: running.name,
      source: this.toolbox.source(running.name),
      input: running.args,
      ...outcome,
      durationMs: Math.round(performance.now() - running.startedAt),
    };
    this.writer.add(toolEntry(use, running.startMs, this.now()));
  }
}
