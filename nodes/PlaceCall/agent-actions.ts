import type { IExecuteFunctions, ILoadOptionsFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { bridgeCredentials, bridgeRequest } from '../shared/transport';
import type { AgentSettings, AgentTool, McpServerSettings } from '../shared/wire-types';

/** Place Call's fields for what the agent can do besides talk: tools, MCP, transfer, keypad. */

const agentOnly = { show: { mode: ['agent'] } };

export const agentActionProperties: INodeProperties[] = [
	{
		displayName: 'Registered Tools Names or IDs',
		name: 'registeredTools',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getRegisteredTools' },
		default: [],
		description:
			'Tools published with a Voice Agent Tool Trigger workflow, which the agent may call during the call. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: agentOnly,
	},
	{
		displayName: 'Agent Actions',
		name: 'agentActions',
		type: 'collection',
		placeholder: 'Add Action',
		default: {},
		displayOptions: agentOnly,
		options: [
			{
				displayName: 'Ad-Hoc Tools (JSON)',
				name: 'tools',
				type: 'json',
				default: '[]',
				description:
					'More tools, as a JSON array shaped like the bridge’s agent.tools (see the README). Their requests are signed with the credential’s Webhook Secret (or API key).',
			},
			{
				displayName: 'MCP Servers (JSON)',
				name: 'mcpServers',
				type: 'json',
				default: '[]',
				description:
					'MCP servers whose tools the agent may use (an n8n MCP Server Trigger, for example), as a JSON array shaped like the bridge’s agent.mcpServers',
			},
			{
				displayName: 'Press Keys',
				name: 'pressKeys',
				type: 'boolean',
				default: false,
				description: 'Whether the agent may press keypad keys (DTMF), to get through phone menus',
			},
			{
				displayName: 'Transfer Announcement',
				name: 'transferAnnounce',
				type: 'string',
				default: '',
				placeholder: 'I’m connecting you to our billing team now.',
				description: 'What the agent says to the caller before transferring',
			},
			{
				displayName: 'Transfer Mode',
				name: 'transferMode',
				type: 'options',
				options: [
					{ name: 'Cold', value: 'cold', description: 'Connect the caller at once' },
					{
						name: 'Warm',
						value: 'warm',
						description: 'The person hears the agent’s summary first; if nobody answers, the agent comes back',
					},
				],
				default: 'cold',
			},
			{
				displayName: 'Transfer To',
				name: 'transferTo',
				type: 'string',
				default: '',
				placeholder: '+15559870000',
				description: 'A person the agent may hand the call to (E.164). Empty: no transfers.',
			},
		],
	},
];

export async function getRegisteredTools(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const { tools } = await bridgeRequest<{ tools: { name: string; description: string }[] }>(this, 'GET', '/v1/tools');
	return tools.map((tool) => ({ name: tool.name, value: tool.name, description: tool.description }));
}

function jsonArray<T>(context: IExecuteFunctions, raw: unknown, what: string, itemIndex: number): T[] {
	if (raw === undefined || raw === '' || raw === '[]') return [];
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			value = undefined;
		}
	}
	if (!Array.isArray(value))
		throw new NodeOperationError(context.getNode(), `${what} must be a JSON array`, { itemIndex });
	return value as T[];
}

/** The agent settings for tools, MCP, transfer and keypad from the node's fields. */
export async function agentActionsOf(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<Pick<AgentSettings, 'tools' | 'registeredTools' | 'mcpServers' | 'transfer' | 'pressKeys'>> {
	const registeredTools = context.getNodeParameter('registeredTools', itemIndex, []) as string[];
	const actions = context.getNodeParameter('agentActions', itemIndex, {}) as Record<string, unknown>;
	const adHoc = jsonArray<AgentTool>(context, actions.tools, 'Ad-Hoc Tools', itemIndex);
	const mcpServers = jsonArray<McpServerSettings>(context, actions.mcpServers, 'MCP Servers', itemIndex);
	const { webhookSecret, apiKey } = await bridgeCredentials(context);
	const secret = webhookSecret || apiKey || '';
	const transferTo = String(actions.transferTo ?? '').trim();
	const announce = String(actions.transferAnnounce ?? '').trim();
	return {
		...(registeredTools.length ? { registeredTools } : {}),
		...(adHoc.length ? { tools: adHoc.map((tool) => ({ secret, ...tool })) } : {}),
		...(mcpServers.length ? { mcpServers } : {}),
		...(actions.pressKeys ? { pressKeys: true } : {}),
		...(transferTo
			? {
					transfer: {
						to: transferTo,
						mode: (actions.transferMode as 'cold' | 'warm' | undefined) ?? 'cold',
						...(announce ? { announce } : {}),
					},
				}
			: {}),
	};
}
