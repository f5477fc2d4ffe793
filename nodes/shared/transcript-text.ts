import type { CallResource, Speaker } from './wire-types';

const LABELS: Record<Speaker, string> = { agent: 'Agent', callee: 'Callee', party: 'Party' };

/**
 * The transcript as plain lines, ready for a CRM note: "Agent: …\nCallee: …", or with the call's
 * speaker labels ("Rep: …\nLead: …") when it was placed with them. Tool uses are left out (they
 * are in `transcript`, as `kind: "tool"` entries).
 */
export function transcriptText(call: Pick<CallResource, 'transcript'>): string {
	return call.transcript
		.filter((entry) => entry.kind !== 'tool')
		.map((entry) => `${entry.label ?? LABELS[entry.speaker] ?? entry.speaker}: ${entry.text}`)
		.join('\n');
}

/** The call resource as node output: everything, plus `transcriptText`. */
export function callOutput(call: CallResource): CallResource & { transcriptText: string } {
	return { ...call, transcriptText: transcriptText(call) };
}
