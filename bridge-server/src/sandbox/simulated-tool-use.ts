import { randomBytes } from 'node:crypto';
import type { ToolStep } from './agent-scenario';
import type { SimulatedFamily } from './live-model-rules';
import type { SimulatedSessionRecord } from './session-record';

/** What the simulated agent says a tool told it: the output's text, or its fields in words. */
export function spokenResult(response: Record<string, unknown>): string {
  if (typeof response.error === 'string') return `I'm sorry, that didn't work: ${response.error}.`;
  const output = response.output ?? response;
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object') {
    const record = output as Record<string, unknown>;
    for (const key of ['message', 'answer', 'text', 'result'])
      if (typeof record[key] === 'string') return record[key] as string;
    return Object.entries(record)
      .map(([key, value]) => `${key} is ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
  }
  return String(output);
}

export interface ToolUseHooks {
  send(message: object): void;
  /** Speaks a reply; `then` runs once it has all been sent. */
  reply(text: string, options: { thenEndCall: boolean; then?: () => void }): void;
  /** Real-time ms until the agent is idle (what it sent has played); undefined while it is still sending a reply. */
  idleInMs(): number | undefined;
}

interface Pending {
  step: ToolStep;
}

/** The model's `end_call`, as the simulated agent makes it after its goodbye. */
export function endCallMessage(): object {
  const id = `fc_${randomBytes(4).toString('hex')}`;
  return { toolCall: { functionCalls: [{ id, name: 'end_call', args: { reason: 'conversation finished' } }] } };
}

/** The declared functions of a set-up: name → `behavior`. */
export function declaredBehaviors(setup: Record<string, unknown>): Map<string, string | undefined> {
  const tools = (setup.tools ?? []) as { functionDeclarations?: { name?: string; behavior?: string }[] }[];
  const behaviors = new Map<string, string | undefined>();
  for (const declaration of tools.flatMap((tool) => tool.functionDeclarations ?? []))
    if (declaration.name) behaviors.set(declaration.name, declaration.behavior);
  return behaviors;
}

/**
 * How the simulated Gemini uses tools, as the Live API does: on a family with async calls a
 * NON_BLOCKING function is called at once while the agent keeps talking (its filler), and the
 * response is spoken as its `scheduling` says (WHEN_IDLE: after the current speech; INTERRUPT:
 * at once; SILENT: not at all); a blocking call comes after the filler, and nothing is said
 * until its response arrives.
 */
export class SimulatedToolUse {
  private readonly pending = new Map<string, Pending>();
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly family: SimulatedFamily,
    /** Declared functions: name → `behavior` (undefined when none was given). */
    private readonly behaviors: Map<string, string | undefined>,
    private readonly hooks: ToolUseHooks,
  ) {}

  private nonBlocking(name: string): boolean {
    // 3.8: calls are non-blocking unless declared BLOCKING; other families only block.
    return this.family === '3.8' && this.behaviors.get(name) !== 'BLOCKING';
  }

  /** The step to take after callee line `index`, if the scenario has one (and the tool is declared). */
  stepAfter(steps: readonly ToolStep[] | undefined, index: number): ToolStep | undefined {
    return steps?.find((step) => step.afterLine === index && this.behaviors.has(step.name));
  }

  take(step: ToolStep): void {
    const id = `fc_${randomBytes(4).toString('hex')}`;
    this.pending.set(id, { step });
    if (step.cancelAfterMs !== undefined)
      setTimeout(() => {
        if (this.pending.delete(id)) this.hooks.send({ toolCallCancellation: { ids: [id] } });
      }, step.cancelAfterMs);
    const call = () => this.hooks.send({ toolCall: { functionCalls: [{ id, name: step.name, args: step.args }] } });
    if (this.nonBlocking(step.name)) {
      call();
      if (step.filler) this.hooks.reply(step.filler, { thenEndCall: false });
    } else if (step.filler) this.hooks.reply(step.filler, { thenEndCall: false, then: call });
    else call();
  }

  /** A `toolResponse` message: each response is recorded and acted on. */
  responses(message: unknown, record: SimulatedSessionRecord['toolResponses']): void {
    const { functionResponses = [] } = message as {
      functionResponses?: { id?: string; name?: string; response?: Record<string, unknown>; scheduling?: string }[];
    };
    for (const { id = '', name = '', response = {}, scheduling } of functionResponses) {
      record.push({ id, name, response });
      this.response(id, response, scheduling);
    }
  }

  private response(id: string, response: Record<string, unknown>, scheduling: string | undefined): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    const answer = () => {
      const words = pending.step.answer?.(response) ?? spokenResult(response);
      // A scenario's empty answer: the agent says nothing after this result (a transfer, a key press).
      if (words) this.hooks.reply(words, { thenEndCall: pending.step.thenEndCall === true });
    };
    if (!this.nonBlocking(pending.step.name)) return answer();
    if (scheduling === 'SILENT') return;
    if (scheduling === 'INTERRUPT') return answer();
    // WHEN_IDLE (the default): once the agent has finished what it is saying.
    const whenIdle = () => {
      const waitMs = this.hooks.idleInMs();
      this.idleTimer = setTimeout(waitMs === undefined ? whenIdle : answer, waitMs ?? 20);
    };
    clearTimeout(this.idleTimer);
    whenIdle();
  }

  close(): void {
    clearTimeout(this.idleTimer);
  }
}
