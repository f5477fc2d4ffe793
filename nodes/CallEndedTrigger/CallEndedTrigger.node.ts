import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { bridgeCredentials, bridgeRequest, CREDENTIAL_TYPE } from '../shared/transport';
import { callOutput } from '../shared/transcript-text';
import { acceptRegisteredDelivery, unregister } from '../shared/registration';
import type { CallEvent } from '../shared/wire-types';

interface Registration {
	subscriptionId?: string;
	secret?: string;
	url?: string;
}

export class CallEndedTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Call Ended Trigger',
		name: 'callEndedTrigger',
		icon: { light: 'file:callEnded.svg', dark: 'file:callEnded.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "on " + ($parameter["statuses"] || []).join(", ") }}',
		description: 'Starts the workflow when a Voice Bridge call ends, with its full transcript',
		defaults: { name: 'Call Ended' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'call-ended' }],
		properties: [
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Busy', value: 'busy' },
					{ name: 'Canceled', value: 'canceled' },
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'No Answer', value: 'no-answer' },
				],
				default: ['completed', 'busy', 'no-answer', 'failed', 'canceled'],
				description: 'Only calls that ended with one of these statuses start the workflow',
			},
			{
				displayName: 'Modes',
				name: 'modes',
				type: 'multiOptions',
				options: [
					{ name: 'AI Agent Call', value: 'agent' },
					{ name: 'Transcribed Two-Party Call', value: 'transcribe' },
				],
				default: ['agent', 'transcribe'],
				description: 'Only calls of these modes start the workflow',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const registration = this.getWorkflowStaticData('node') as Registration;
				if (!registration.subscriptionId) return false;
				const subscription = await bridgeRequest<{ url: string } | undefined>(
					this,
					'GET',
					`/v1/subscriptions/${registration.subscriptionId}`,
					{ allowNotFound: true },
				);
				return subscription?.url === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') as string;
				const { webhookSecret } = await bridgeCredentials(this);
				const created = await bridgeRequest<{ id: string; secret: string }>(this, 'POST', '/v1/subscriptions', {
					body: { url, events: ['call.ended'], ...(webhookSecret ? { secret: webhookSecret } : {}) },
				});
				const registration = this.getWorkflowStaticData('node') as Registration;
				registration.subscriptionId = created.id;
				registration.secret = created.secret;
				registration.url = url;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				// Already gone (deleted by hand, or dropped after a 410) counts as deleted.
				return unregister(this, 'subscriptionId', (id) => `/v1/subscriptions/${id}`);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (!acceptRegisteredDelivery(this)) return { noWebhookResponse: true };
		const event = this.getBodyData() as unknown as CallEvent;
		const statuses = this.getNodeParameter('statuses', []) as string[];
		const modes = this.getNodeParameter('modes', []) as string[];
		if (
			event.type !== 'call.ended' ||
			!event.call ||
			!statuses.includes(event.call.status) ||
			!modes.includes(event.call.mode)
		) {
			return { webhookResponse: { received: true, matched: false } };
		}
		return { workflowData: [[{ json: { ...callOutput(event.call), eventId: event.id } as unknown as IDataObject }]] };
	}
}
