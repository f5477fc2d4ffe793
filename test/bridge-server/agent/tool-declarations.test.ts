import { profileFor } from '../../../bridge-server/src/agent/model-profiles';
import { toolDeclarations } from '../../../bridge-server/src/agent/tool-declarations';
import { setupRefusal } from '../../../bridge-server/src/sandbox/live-model-rules';

const agent = { prompt: 'Hi', transfer: { to: '+15550001111', mode: 'warm' as const }, pressKeys: true };
const tools = [
  {
    name: 'lookup_order',
    description: 'Orders.',
    parameters: { type: 'object', properties: { id: { type: 'string' } } },
    keepTalking: true,
  },
  { name: 'charge_card', description: 'Payments.', keepTalking: false },
];

function setupWith(model: string) {
  const declarations = toolDeclarations(agent, tools, profileFor(model));
  // As the simulated service receives it: JSON over the wire.
  const setup = JSON.parse(
    JSON.stringify({
      generationConfig: { responseModalities: ['AUDIO'] },
      tools: [{ functionDeclarations: declarations }],
    }),
  ) as Record<string, unknown>;
  return { declarations, setup };
}

describe('tool declarations per model family', () => {
  it('on 3.8: tools the agent talks over are NON_BLOCKING, the others and the built-ins that must wait are BLOCKING', () => {
    const { declarations, setup } = setupWith('gemini-3.8-live');
    const behaviour = Object.fromEntries(declarations.map((d) => [d.name, d.behavior]));
    expect(behaviour).toEqual({
      end_call: undefined,
      transfer_call: 'BLOCKING',
      press_keys: 'BLOCKING',
      lookup_order: 'NON_BLOCKING',
      charge_card: 'BLOCKING',
    });
    expect(declarations.find((d) => d.name === 'lookup_order')?.parametersJsonSchema).toEqual(tools[0].parameters);
    expect(declarations.find((d) => d.name === 'transfer_call')?.parameters?.required).toEqual(['summary']);
    expect(setupRefusal('3.8', setup)).toBeUndefined();
  });

  it('on 3.1 and 2.5 (blocking only): no behavior at all, which the service accepts; NON_BLOCKING there is refused', () => {
    for (const [model, family] of [
      ['gemini-3.1-flash-live-preview', '3.1'],
      ['gemini-2.5-flash-native-audio-latest', '2.5'],
    ] as const) {
      const { declarations, setup } = setupWith(model);
      expect(declarations.every((d) => d.behavior === undefined)).toBe(true);
      expect(setupRefusal(family, setup)).toBeUndefined();
      const asyncSetup = { ...setup, tools: [{ functionDeclarations: [{ name: 'x', behavior: 'NON_BLOCKING' }] }] };
      expect(setupRefusal(family, asyncSetup)?.code).toBe(1007);
    }
  });

  it('the simulated service refuses names and schemas Gemini refuses, as the bridge’s validation does', () => {
    const base = { generationConfig: { responseModalities: ['AUDIO'] } };
    const refused = (declaration: object) =>
      setupRefusal('3.8', { ...base, tools: [{ functionDeclarations: [declaration] }] });
    expect(refused({ name: '9lives' })?.code).toBe(1007);
    expect(refused({ name: 'ok', parametersJsonSchema: { type: 'string' } })?.code).toBe(1007);
    expect(refused({ name: 'ok', parametersJsonSchema: { type: 'object', properties: { 'a-b': {} } } })?.code).toBe(
      1007,
    );
    expect(refused({ name: 'ok', parameters: {}, parametersJsonSchema: { type: 'object' } })?.code).toBe(1007);
    expect(refused({ name: 'ok.v2:lookup-order', parametersJsonSchema: { type: 'object' } })).toBeUndefined();
  });
});
