import { INBOUND_CONTEXT } from '../agent/live-session-config';
import { DEMO_SCENARIO, INBOUND_SCENARIO, type AgentScenario } from './agent-scenario';
import { DEFAULT_CALLEE_LINES, DEMO_IVR } from './callee-script';
import { spokenResult } from './simulated-tool-use';

/**
 * What the simulated agent does when the prompt names no scenario, from what the call enabled:
 * a phone menu to get through (press_keys), a person to hand over to (transfer_call), or a tool
 * to use (the first of the call's own); otherwise the demo conversation (a receptionist's, when
 * the agent is answering an incoming call). So the dashboard and a real n8n show every feature
 * without a test's scripted scenario.
 */

const BUILT_IN = new Set(['end_call', 'transfer_call', 'press_keys']);

interface Declaration {
  name?: string;
  parametersJsonSchema?: { properties?: Record<string, { type?: string; enum?: unknown[] }> };
}

function declarationsOf(setup: Record<string, unknown>): Declaration[] {
  const tools = (setup.tools ?? []) as { functionDeclarations?: Declaration[] }[];
  return tools.flatMap((tool) => tool.functionDeclarations ?? []);
}

/** Plausible arguments for a parameters schema (what a model would fill in from the conversation). */
export function sampleArguments(declaration: Declaration): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(declaration.parametersJsonSchema?.properties ?? {})) {
    if (property.enum?.length) args[name] = property.enum[0];
    else if (property.type === 'number' || property.type === 'integer') args[name] = 1;
    else if (property.type === 'boolean') args[name] = true;
    else args[name] = /id$/i.test(name) ? 'A-1001' : 'tomorrow at ten';
  }
  return args;
}

export function demoScenarioFor(setup: Record<string, unknown>, instruction = ''): AgentScenario {
  const base = instruction.includes(INBOUND_CONTEXT) ? INBOUND_SCENARIO : DEMO_SCENARIO;
  const declarations = declarationsOf(setup);
  const names = new Set(declarations.map((declaration) => declaration.name));
  if (names.has('press_keys'))
    return {
      calleeLines: [DEMO_IVR.menu, DEMO_IVR.connected, 'Sure, I can help with that. Goodbye!'],
      replies: ['', "Hi Alex, I'm calling to confirm tomorrow's delivery.", 'Thank you, goodbye!'],
      toolSteps: [{ afterLine: 0, name: 'press_keys', args: { keys: DEMO_IVR.keys }, answer: () => '' }],
      endCallAfterReply: 2,
    };
  if (names.has('transfer_call'))
    return {
      calleeLines: [DEFAULT_CALLEE_LINES[0]],
      replies: [],
      toolSteps: [
        {
          afterLine: 0,
          name: 'transfer_call',
          args: { summary: 'Sam answered and would like to speak to a person about the appointment.' },
          filler: "Thanks Sam, I'm connecting you to a colleague now, please hold.",
          answer: () => '',
        },
      ],
      afterTransfer: {
        greeting: "I'm sorry, nobody was available to take the call. Can I help with anything else?",
        calleeLines: ["No, that's fine, thanks."],
        replies: ['Alright, goodbye!'],
        endCallAfterReply: 0,
      },
    };
  const tool = declarations.find((declaration) => declaration.name && !BUILT_IN.has(declaration.name));
  if (tool?.name)
    return {
      ...base,
      toolSteps: [
        {
          afterLine: base === INBOUND_SCENARIO ? 1 : 0,
          name: tool.name,
          args: sampleArguments(tool),
          filler: 'Thanks Sam. One moment while I check that for you.',
          answer: (response) => `Here's what I found: ${spokenResult(response)}. Does that work for you?`,
        },
      ],
    };
  return base;
}
