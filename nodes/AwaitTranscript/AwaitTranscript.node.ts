import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { bridgeCredentials, bridgeRequest, CREDENTIAL_TYPE } from '../shared/transport';
import { callOutput } from '../shared/transcript-text';
import { awaitsAnalysis, recordingBinary } from './call-extras';
import { acceptSignedDelivery } from '../shared/signed-delivery';
import { deriveWaiterSecret } from '../shared/webhook-signature';
import type { CallResource, WaiterDoneEvent } from '../shared/wire-types';

const ENDED = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
/** A call that ended this long ago has flushed its transcript (the bridge waits at most a few seconds). */
const SETTLED_AFTER_MS = 5_000;
/**
 * n8n resumes on its own only after the bridge has had its whole 24-hour delivery window (plus an
 * hour) to report back: before that, a late or retried delivery still resumes the execution.
 */
const BACKSTOP_MARGIN_SEC = 25 * 3600;
const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 };

function callIdsOf(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(callIdsOf);
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((id) => id.trim())
		.filter(Boolean);
}

function settled(call: CallResource, now: number): boolean {
	return ENDED.includes(call.status) && call.endedAt !== null && now - Date.parse(call.endedAt) >= SETTLED_AFTER_MS;
}

/**
 * One item per call, paired with the input item in the same position (one call per item, the
 * usual case); with Download Recordings, each recorded call's audio as binary `recording`.
 */
async function toItems(
	context: IExecuteFunctions | IWebhookFunctions,
	calls: CallResource[],
	timedOut: boolean,
): Promise<INodeExecutionData[]> {
	const download = Boolean(context.getNodeParameter('downloadRecordings', false));
	return Promise.all(
		calls.map(async (call, index) => {
			const recording = download ? await recordingBinary(context, call) : undefined;
			return {
				json: { ...callOutput(call), timedOut } as unknown as IDataObject,
				...(recording ? { binary: { recording } } : {}),
				pairedItem: { item: index },
			};
		}),
	);
}

// The two rules below do not fit a node that pauses its execution:
// - webhook-lifecycle-complete: the webhook here is a resume webhook (restartWebhook), served by n8n
//   itself at $execution.resumeUrl while an execution waits. Nothing is registered on a remote service
//   when the workflow is published, so there is nothing to check, create or delete then: execute()
//   registers one waiter with the bridge per execution, and the bridge drops it once delivered or timed out.
// - node-usable-as-tool: an AI agent's tool call cannot put the whole execution to wait.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete, @n8n/community-nodes/node-usable-as-tool -- see above
export class AwaitTranscript implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Await Transcript',
		name: 'awaitTranscript',
		icon: { light: 'file:awaitTranscript.svg', dark: 'file:awaitTranscript.dark.svg' },
		group: ['organization'],
		version: 1,
		subtitle: '={{ "up to " + $parameter["timeLimit"] + " " + $parameter["timeLimitUnit"] }}',
		description:
			'Pause the workflow until the calls placed before it have ended, then output each call with its transcript',
		defaults: { name: 'Await Transcript' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				restartWebhook: true,
			},
		],
		properties: [
			{
				displayName: 'Call IDs',
				name: 'callIds',
				type: 'string',
				default: '={{ $json.id }}',
				required: true,
				description:
					"The call to wait for, per input item (the Place Call output's ID). A comma-separated list or an array also works.",
				hint: "All items' calls are awaited together: the workflow resumes once, when every call has ended",
			},
			{
				displayName: 'Time Limit',
				name: 'timeLimit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 1,
				description:
					'Resume after this long even if some calls have not ended; those come out with timedOut set to true',
			},
			{
				displayName: 'Time Limit Unit',
				name: 'timeLimitUnit',
				type: 'options',
				options: [
					{ name: 'Seconds', value: 'seconds' },
					{ name: 'Minutes', value: 'minutes' },
					{ name: 'Hours', value: 'hours' },
				],
				default: 'hours',
			},
			{
				displayName: 'Download Recordings',
				name: 'downloadRecordings',
				type: 'boolean',
				default: false,
				description:
					'Whether to add each recorded call’s audio (placed with Record Call) as binary data named recording: a two-channel WAV, the callee then the agent',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const callIds = [
			...new Set(items.flatMap((_, itemIndex) => callIdsOf(this.getNodeParameter('callIds', itemIndex)))),
		];
		if (callIds.length === 0) {
			throw new NodeOperationError(this.getNode(), 'No call IDs to wait for', {
				description: 'Set Call IDs to the ID output by Place Call, for example {{ $json.id }}.',
			});
		}
		const unit = String(this.getNodeParameter('timeLimitUnit', 0, 'hours'));
		const timeLimitSec = Math.min(
			7 * 24 * 3600,
			Math.max(1, Math.round(Number(this.getNodeParameter('timeLimit', 0, 1)) * (UNIT_SECONDS[unit] ?? 3600))),
		);

		const calls = await Promise.all(
			callIds.map((id) => bridgeRequest<CallResource>(this, 'GET', `/v1/calls/${encodeURIComponent(id)}`)),
		);
		const now = Date.now();
		// Ended a while ago, and not waiting for an analysis: nothing more is coming.
		if (calls.every((call) => settled(call, now))) {
			const analysing = await Promise.all(calls.map((call) => awaitsAnalysis(this, call)));
			if (!analysing.some(Boolean)) return [await toItems(this, calls, false)];
		}

		const { webhookSecret, apiKey } = await bridgeCredentials(this);
		const resumeUrl = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0));
		await bridgeRequest(this, 'POST', '/v1/waiters', {
			body: {
				callIds,
				url: resumeUrl,
				timeoutSec: timeLimitSec,
				secret: deriveWaiterSecret(webhookSecret || apiKey || '', this.getExecutionId(), this.getNode().id),
			},
		});
		await this.putExecutionToWait(new Date(Date.now() + (timeLimitSec + BACKSTOP_MARGIN_SEC) * 1000));
		// Shown while the execution waits; the bridge's delivery replaces it (webhook()).
		return [
			calls.map((call, index) => ({
				json: { ...callOutput(call), timedOut: false } as unknown as IDataObject,
				pairedItem: { item: index },
			})),
		];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { webhookSecret, apiKey } = await bridgeCredentials(this);
		const secret = deriveWaiterSecret(webhookSecret || apiKey || '', this.getExecutionId(), this.getNode().id);
		if (!acceptSignedDelivery(this, secret)) return { noWebhookResponse: true };
		const event = this.getBodyData() as unknown as WaiterDoneEvent;
		return { workflowData: [await toItems(this, event.calls ?? [], Boolean(event.timedOut))] };
	}
}
