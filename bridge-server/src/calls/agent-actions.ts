import { FunctionResponseScheduling } from '@google/genai';
import { END_CALL_TOOL_NAME, PRESS_KEYS_TOOL_NAME, TRANSFER_TOOL_NAME } from '../agent/built-in-tools';
import type { GeminiLiveSession } from '../agent/gemini-live-session';
import { dtmfFrames, dtmfSequence } from '../audio/dtmf';
import type { Logger } from '../shared/logger';
import type { ToolUse } from '../shared/wire-types';
import type { TelephonyOutput } from '../twilio/telephony-output';
import type { CallToolbox } from './call-toolbox';
import { toolEntry, ToolCalls } from './tool-calls';
import type { TranscriptWriter } from './transcript-writer';

/** What the conversation does for the built-ins that change where the call is. */
export interface ActionHost {
  /** `end_call`: hang up once the goodbye has played. */
  endCall(): boolean;
  /** `transfer_call`: hand the call over once the announcement has played. */
  transfer(summary: string | undefined): boolean;
  /** The model cancelled the `end_call` or `transfer_call` it made. */
  exitCancelled(): void;
}

export interface AgentActionsOptions {
  session: GeminiLiveSession;
  output: TelephonyOutput;
  writer: TranscriptWriter;
  toolbox: CallToolbox;
  host: ActionHost;
  now: () => number;
  log: Logger;
}

/**
 * Everything the agent can do besides talk: its tool calls, dispatched to the built-ins
 * (end_call, transfer_call, press_keys) or to the call's own tools, and their cancellation.
 */
export class AgentActions {
  private readonly tools: ToolCalls;
  /** The `end_call`/`transfer_call` being carried out, so its cancellation can be honoured. */
  private exitCallId?: string;
  private keysPlaying = Promise.resolve();

  constructor(private readonly options: AgentActionsOptions) {
    this.tools = new ToolCalls(options.toolbox, options.session, options.writer, options.now, options.log);
  }

  call(id: string, name: string, args: Record<string, unknown>): void {
    const { session, host, log } = this.options;
    if (name === END_CALL_TOOL_NAME) {
      log.info('agent asked to end the call');
      session.sendToolResponse(id, name, { output: 'The call will end once your goodbye has played.' });
      if (host.endCall()) this.exitCallId = id;
      return;
    }
    if (name === TRANSFER_TOOL_NAME) {
      log.info('agent asked to transfer the call');
      const summary = typeof args.summary === 'string' ? args.summary : undefined;
      session.sendToolResponse(id, name, { output: 'Connecting now; the caller leaves you once the transfer starts.' });
      this.recordBuiltIn(id, name, args, { result: 'transferring' });
      if (host.transfer(summary)) this.exitCallId = id;
      return;
    }
    if (name === PRESS_KEYS_TOOL_NAME) return this.pressKeys(id, args);
    if (this.tools.has(name)) return this.tools.start(id, name, args);
    session.sendToolResponse(id, name, { error: `Unknown tool ${name}.` }, FunctionResponseScheduling.WHEN_IDLE);
  }

  cancelled(ids: readonly string[]): void {
    this.tools.cancel(ids);
    if (this.exitCallId && ids.includes(this.exitCallId)) {
      this.exitCallId = undefined;
      this.options.host.exitCancelled();
    }
  }

  /** The call is over: results still to come are dropped (and recorded as cancelled). */
  finish(): void {
    this.tools.cancelAll();
  }

  /**
   * Plays the keys as DTMF into the call (after any keys still playing), and answers once
   * they have played, so the model hears the menu's reply after its keys, not before.
   */
  private pressKeys(id: string, args: Record<string, unknown>): void {
    const { session, output, now } = this.options;
    const keys = dtmfSequence(String(args.keys ?? ''));
    if (keys.length === 0) {
      session.sendToolResponse(id, PRESS_KEYS_TOOL_NAME, { error: 'No keys to press: use 0-9, *, #, A-D.' });
      return;
    }
    const startMs = now();
    const frames = dtmfFrames(keys);
    this.keysPlaying = this.keysPlaying.then(
      () =>
        new Promise<void>((played) => {
          output.playFrames(frames);
          setTimeout(played, frames.length * 20);
        }),
    );
    void this.keysPlaying.then(() => {
      const pressed = keys.join('').replace(/W/g, 'w');
      session.sendToolResponse(id, PRESS_KEYS_TOOL_NAME, { output: `Pressed ${pressed}.` });
      this.recordBuiltIn(id, PRESS_KEYS_TOOL_NAME, args, { result: `pressed ${pressed}` }, startMs);
    });
  }

  private recordBuiltIn(
    id: string,
    name: string,
    args: Record<string, unknown>,
    outcome: Pick<ToolUse, 'result' | 'error'>,
    startMs = this.options.now(),
  ): void {
    const use: ToolUse = {
      id,
      name,
      source: 'built-in',
      input: args,
      ...outcome,
      durationMs: Math.round(this.options.now() - startMs),
    };
    this.options.writer.add(toolEntry(use, startMs, this.options.now()));
  }
}
