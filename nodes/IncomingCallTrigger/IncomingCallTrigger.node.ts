import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { VOICES } from '../PlaceCall/description';
import { acceptRegisteredDelivery, registrationOf, unregister } from '../shared/registration';
import { bridgeRequest, CREDENTIAL_TYPE } from '../shared/transport';
import type { InboundHandling, IncomingCallRequest } from '../shared/wire-types';

const E164 = /^\+[1-9]\d{6,14}$/;

/** The route's id at the bridge: one per workflow and node, so republishing replaces it. */
function routeIdOf(context: IHookFunctions): string {
	return `n8n-${context.getWorkflow().id ?? 'workflow'}-${context.getNode().id}`
		.replace(/[^A-Za-z0-9_-]/g, '-')
		.slice(0, 100);
}

function numbersOf(context: IHookFunctions): string[] {
	const raw = String(context.getNodeParameter('numbers', '')).trim();
	const numbers = raw ? raw.split(/[\s,;]+/).filter(Boolean) : [];
	const bad = numbers.filter((number) => !E164.test(number));
	if (bad.length > 0)
		throw new NodeOperationError(
			context.getNode(),
			`Numbers must be E.164, such as +15551230000 (not ${bad.join(', ')})`,
		);
	return numbers;
}

/** The handling set in the node's fields: its answer when it answers at once, and always the fallback. */
function handlingOf(context: IHookFunctions | IWebhookFunctions): InboundHandling {
	const action = String(context.getNodeParameter('action', 'agent'));
	if (action === 'forward') return { action: 'forward', to: String(context.getNodeParameter('forwardTo', '')).trim() };
	if (action === 'reject') {
		const message = String(context.getNodeParameter('message', '')).trim();
		return { action: 'reject', ...(message ? { message } : {}) };
	}
	const greeting = String(context.getNodeParameter('greeting', '')).trim();
	return {
		action: 'agent',
		agent: {
			prompt: String(context.getNodeParameter('prompt', '')).trim(),
			...(greeting ? { greeting } : {}),
			voice: String(context.getNodeParameter('voice', 'Puck')),
		},
	};
}

const agentOnly = { show: { action: ['agent'] } };

export class IncomingCallTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Incoming Call Trigger',
		name: 'incomingCallTrigger',
		icon: { light: 'file:incomingCall.svg', dark: 'file:incomingCall.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["numbers"] || "all numbers" }}',
		description: 'Runs when someone calls one of your Twilio numbers; the workflow decides how the call is handled',
		defaults: { name: 'Incoming Call' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{ $parameter["respond"] }}',
				path: 'incoming-call',
			},
		],
		properties: [
			{
				displayName: 'Numbers',
				name: 'numbers',
				type: 'string',
				default: '',
				placeholder: '+15551230000, +15551230001',
				description:
					'Your Twilio numbers this workflow answers, comma-separated. Empty: every number without a workflow of its own.',
			},
			{
				displayName: 'Respond',
				name: 'respond',
				type: 'options',
				options: [
					{
						name: 'Using Respond to Webhook Node',
						value: 'responseNode',
						description:
							'A Respond to Webhook node (version 1, as in the example workflow: later versions answer only for n8n’s own Webhook trigger) answers with the handling as JSON, e.g. {"action": "agent", "agent": {"prompt": "…"}}',
					},
					{
						name: 'With the Handling Below',
						value: 'onReceived',
						description: 'Answer at once with the fields below; the workflow carries on',
					},
				],
				default: 'responseNode',
				description:
					'How the call is handled. The bridge waits a few seconds (INBOUND_ROUTE_TIMEOUT_SEC) for the answer; past that, the handling below is used.',
			},
			{
				displayName: 'Handling',
				name: 'action',
				type: 'options',
				options: [
					{ name: 'Voice Agent Answers', value: 'agent' },
					{ name: 'Forward to a Number', value: 'forward' },
					{ name: 'Reject with a Message', value: 'reject' },
				],
				default: 'agent',
				description:
					'What happens to the call when this node answers at once, and whenever the workflow does not answer in time',
			},
			{
				displayName: 'Prompt',
				name: 'prompt',
				type: 'string',
				typeOptions: { rows: 4 },
				default: 'You are the receptionist. Greet the caller, find out what they need, and help them.',
				displayOptions: agentOnly,
				description: "The agent's instructions",
			},
			{
				displayName: 'Greeting',
				name: 'greeting',
				type: 'string',
				default: '',
				placeholder: 'Thanks for calling Bright Dental, this is Ava.',
				displayOptions: agentOnly,
				description: 'Said first, word for word; empty: the agent greets in its own words',
			},
			{
				displayName: 'Voice',
				name: 'voice',
				type: 'options',
				options: VOICES,
				default: 'Puck',
				displayOptions: agentOnly,
				description: "The agent's voice",
			},
			{
				displayName: 'Forward To',
				name: 'forwardTo',
				type: 'string',
				default: '',
				placeholder: '+15551239999',
				displayOptions: { show: { action: ['forward'] } },
				description: 'The number the call is put through to (E.164)',
			},
			{
				displayName: 'Message',
				name: 'message',
				type: 'string',
				default: '',
				placeholder: 'Sorry, we are closed. Please call again tomorrow.',
				displayOptions: { show: { action: ['reject'] } },
				description: 'What the caller hears before the call ends; empty: a polite standard refusal',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const registration = registrationOf(this);
				if (!registration.routeId || !registration.secret) return false;
				const { routes } = await bridgeRequest<{ routes: { id: string; url: string }[] }>(
					this,
					'GET',
					'/v1/inbound-routes',
				);
				const url = this.getNodeWebhookUrl('default');
				return routes.some((route) => route.id === registration.routeId && route.url === url);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const id = routeIdOf(this);
				const url = this.getNodeWebhookUrl('default') as string;
				const created = await bridgeRequest<{ secret: string }>(this, 'PUT', `/v1/inbound-routes/${id}`, {
					body: { url, numbers: numbersOf(this), fallback: handlingOf(this) as unknown as IDataObject },
				});
				const registration = registrationOf(this);
				registration.routeId = id;
				registration.secret = created.secret;
				registration.url = url;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return unregister(this, 'routeId', (id) => `/v1/inbound-routes/${encodeURIComponent(id)}`);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (!acceptRegisteredDelivery(this)) return { noWebhookResponse: true };
		const request = this.getBodyData() as unknown as IncomingCallRequest;
		const workflowData = [[{ json: request as unknown as IDataObject }]];
		if (this.getNodeParameter('respond') === 'onReceived') return { webhookResponse: handlingOf(this), workflowData };
		return { workflowData };
	}
}
