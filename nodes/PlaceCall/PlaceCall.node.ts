import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { bridgeRequest, CREDENTIAL_TYPE } from '../shared/transport';
import type { CallResource, PlaceCallRequest } from '../shared/wire-types';
import { agentActionProperties, agentActionsOf, getRegisteredTools } from './agent-actions';
import { placeCallProperties } from './description';
import { analysisOf, postCallAnalysisProperties } from './post-call-analysis';

function metadataOf(context: IExecuteFunctions, raw: unknown, itemIndex: number): Record<string, unknown> | undefined {
	if (raw === undefined || raw === '' || raw === '{}') return undefined;
	const value = typeof raw === 'string' ? safeParse(raw) : raw;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new NodeOperationError(context.getNode(), 'Metadata must be a JSON object, for example {"crmId": "42"}', {
			itemIndex,
		});
	}
	return value as Record<string, unknown>;
}

function safeParse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export class PlaceCall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Place Call',
		name: 'placeCall',
		icon: { light: 'file:placeCall.svg', dark: 'file:placeCall.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ $parameter["mode"] === "agent" ? "AI agent call to " : "Transcribed call to " }}{{ $parameter["to"] }}',
		description: 'Place a phone call through the Voice Bridge: an AI voice agent, or a transcribed two-party call',
		defaults: { name: 'Place Call' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [...placeCallProperties, ...agentActionProperties, ...postCallAnalysisProperties],
	};

	methods = { loadOptions: { getRegisteredTools } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const results: INodeExecutionData[] = [];
		const executionId = this.getExecutionId();
		const nodeId = this.getNode().id;
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const mode = this.getNodeParameter('mode', itemIndex) as PlaceCallRequest['mode'];
				const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
				const request: PlaceCallRequest = {
					mode,
					to: String(this.getNodeParameter('to', itemIndex)).trim(),
					...(options.from ? { from: String(options.from).trim() } : {}),
					...(options.maxDurationSec !== undefined ? { maxDurationSec: Number(options.maxDurationSec) } : {}),
					...(options.ringTimeoutSec !== undefined ? { ringTimeoutSec: Number(options.ringTimeoutSec) } : {}),
					...(options.machineDetection
						? { machineDetection: options.machineDetection as PlaceCallRequest['machineDetection'] }
						: {}),
					...(options.record !== undefined ? { record: Boolean(options.record) } : {}),
				};
				const metadata = metadataOf(this, options.metadata, itemIndex);
				if (metadata) request.metadata = metadata;
				const analysis = analysisOf(this, itemIndex);
				if (analysis) request.analysis = analysis;
				const language = String(this.getNodeParameter('language', itemIndex, 'en-US')).trim();
				if (mode === 'agent') {
					const greeting = String(this.getNodeParameter('greeting', itemIndex, '')).trim();
					request.agent = {
						prompt: String(this.getNodeParameter('prompt', itemIndex)),
						...(greeting ? { greeting } : {}),
						voice: String(this.getNodeParameter('voice', itemIndex, 'Puck')),
						language,
						...(await agentActionsOf(this, itemIndex)),
					};
				} else {
					request.connectTo = String(this.getNodeParameter('connectTo', itemIndex)).trim();
					const callee = String(this.getNodeParameter('calleeLabel', itemIndex, '')).trim();
					const party = String(this.getNodeParameter('partyLabel', itemIndex, '')).trim();
					request.transcribe = {
						language,
						...(callee || party ? { labels: { ...(callee ? { callee } : {}), ...(party ? { party } : {}) } } : {}),
					};
				}
				// A retried node (or a re-run of this execution step) must not dial the same person twice.
				const idempotencyKey = `n8n:${executionId}:${nodeId}:${itemIndex}`;
				const call = await bridgeRequest<CallResource>(this, 'POST', '/v1/calls', {
					body: request as unknown as IDataObject,
					headers: { 'Idempotency-Key': idempotencyKey },
					itemIndex,
				});
				results.push({ json: call as unknown as IDataObject, pairedItem: { item: itemIndex } });
			} catch (error) {
				const failure =
					error instanceof NodeApiError ? error : new NodeOperationError(this.getNode(), error as Error, { itemIndex });
				if (!this.continueOnFail()) throw failure;
				results.push({
					json: { error: failure.message, description: failure.description ?? null },
					pairedItem: { item: itemIndex },
				});
			}
		}
		return [results];
	}
}
