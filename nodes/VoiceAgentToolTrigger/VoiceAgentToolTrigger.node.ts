import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { bridgeRequest, CREDENTIAL_TYPE } from '../shared/transport';
import { acceptRegisteredDelivery, unregister } from '../shared/registration';

interface Registration {
	toolName?: string;
	secret?: string;
	url?: string;
}

/** What the bridge POSTs for one tool call (docs/tools.md). */
interface ToolCallRequest {
	id: string;
	tool: string;
	input: Record<string, unknown>;
	call: { id: string; to: string; from: string; metadata: Record<string, unknown> };
}

function parametersOf(context: IHookFunctions): Record<string, unknown> {
	const raw = context.getNodeParameter('parameters', '{}') as unknown;
	const value = typeof raw === 'string' ? (raw.trim() ? JSON.parse(raw) : {}) : raw;
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new NodeOperationError(
			context.getNode(),
			'Parameters must be a JSON Schema object, for example {"type": "object", "properties": {}}',
		);
	return value as Record<string, unknown>;
}

export class VoiceAgentToolTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voice Agent Tool Trigger',
		name: 'voiceAgentToolTrigger',
		icon: { light: 'file:voiceAgentTool.svg', dark: 'file:voiceAgentTool.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["toolName"] }}',
		description: 'Runs when the voice agent calls this tool mid-call; the workflow’s answer is what the agent is told',
		defaults: { name: 'Voice Agent Tool' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{ $parameter["respond"] }}',
				responseData: 'firstEntryJson',
				path: 'voice-agent-tool',
			},
		],
		properties: [
			{
				displayName: 'Tool Name',
				name: 'toolName',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'lookup_order',
				description:
					'The name the agent knows the tool by: letters, digits and _ . : - (starting with a letter or _). Place Call lists it under Registered Tools once this workflow is published.',
			},
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				required: true,
				default: '',
				typeOptions: { rows: 3 },
				placeholder: 'Looks up an order by its number and says where it is.',
				description: 'Tells the agent what the tool does and when to use it',
			},
			{
				displayName: 'Parameters (JSON Schema)',
				name: 'parameters',
				type: 'json',
				default:
					'{\n  "type": "object",\n  "properties": {\n    "orderId": { "type": "string", "description": "The order number" }\n  },\n  "required": ["orderId"]\n}',
				description:
					'What the agent must give the tool, as a JSON Schema object. They arrive as "input" (n8n expressions cannot read a field named "arguments").',
			},
			{
				displayName: 'Agent Keeps Talking',
				name: 'keepTalking',
				type: 'boolean',
				default: true,
				description:
					'Whether the agent goes on talking ("one moment…") while the workflow runs. Off: it waits in silence for the answer.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSec',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 60 },
				default: 10,
				description: 'Past this the agent is told the tool failed',
			},
			{
				displayName: 'Respond',
				name: 'respond',
				type: 'options',
				options: [
					{
						name: 'When Last Node Finishes',
						value: 'lastNode',
						description: "The last node's first item is the answer",
					},
					{
						name: 'Using Respond to Webhook Node',
						value: 'responseNode',
						description: 'Answer from a Respond to Webhook node',
					},
				],
				default: 'lastNode',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const registration = this.getWorkflowStaticData('node') as Registration;
				if (!registration.toolName || !registration.secret) return false;
				const { tools } = await bridgeRequest<{ tools: { name: string; url: string }[] }>(this, 'GET', '/v1/tools');
				const url = this.getNodeWebhookUrl('default');
				return tools.some((tool) => tool.name === this.getNodeParameter('toolName') && tool.url === url);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const name = String(this.getNodeParameter('toolName')).trim();
				const url = this.getNodeWebhookUrl('default') as string;
				const created = await bridgeRequest<{ secret: string }>(this, 'PUT', `/v1/tools/${encodeURIComponent(name)}`, {
					body: {
						description: String(this.getNodeParameter('toolDescription')).trim(),
						parameters: parametersOf(this) as IDataObject,
						url,
						timeoutSec: Number(this.getNodeParameter('timeoutSec', 10)),
						keepTalking: Boolean(this.getNodeParameter('keepTalking', true)),
					},
				});
				const registration = this.getWorkflowStaticData('node') as Registration;
				registration.toolName = name;
				registration.secret = created.secret;
				registration.url = url;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return unregister(this, 'toolName', (name) => `/v1/tools/${encodeURIComponent(name)}`);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		if (!acceptRegisteredDelivery(this)) return { noWebhookResponse: true };
		const request = this.getBodyData() as unknown as ToolCallRequest;
		return {
			workflowData: [
				[
					{
						json: {
							toolCallId: request.id,
							tool: request.tool,
							input: request.input,
							call: request.call,
						} as unknown as IDataObject,
					},
				],
			],
		};
	}
}
