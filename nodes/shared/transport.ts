import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'voiceBridgeApi';

type Context = IExecuteFunctions | IHookFunctions | IWebhookFunctions | ILoadOptionsFunctions;

export interface BridgeCredentials {
	baseUrl: string;
	apiKey?: string;
	webhookSecret?: string;
}

export async function bridgeCredentials(context: Context): Promise<BridgeCredentials> {
	const credentials = await context.getCredentials<BridgeCredentials>(CREDENTIAL_TYPE);
	return { ...credentials, baseUrl: String(credentials.baseUrl).replace(/\/+$/, '') };
}

interface BridgeErrorBody {
	error?: { code?: string; message?: string; details?: Array<{ field?: string; problem: string }> };
}

/** The bridge's JSON error body, wherever n8n's request helper left it. */
function bridgeErrorBody(error: JsonObject): BridgeErrorBody | undefined {
	const cause = (error.cause ?? {}) as JsonObject;
	const candidates = [
		(error.context as JsonObject | undefined)?.data,
		(cause.response as JsonObject | undefined)?.data,
		(error.response as JsonObject | undefined)?.data,
		error.body,
		cause.body,
	];
	for (const candidate of candidates) {
		const parsed = typeof candidate === 'string' ? safeJson(candidate) : (candidate as BridgeErrorBody | undefined);
		if (parsed?.error?.message) return parsed;
	}
	return undefined;
}

/** What the bridge said, or how it could not be reached, in words a workflow builder can act on. */
function describeFailure(
	error: JsonObject,
	baseUrl: string,
): { message: string; description?: string; httpCode?: string } {
	const status = statusOf(error);
	const body = bridgeErrorBody(error);
	if (body?.error?.message) {
		const details = body.error.details?.map((d) => (d.field ? `${d.field}: ${d.problem}` : d.problem)).join('; ');
		return {
			message: body.error.message,
			description: `Bridge error ${body.error.code ?? ''}${details ? `: ${details}` : ''}`.trim(),
			httpCode: status ? String(status) : undefined,
		};
	}
	const cause = (error.cause ?? {}) as JsonObject;
	const code = String(cause.code ?? error.code ?? '');
	// Worded without the raw code: n8n would replace a message containing it with its own generic one.
	const unreachable: Record<string, string> = {
		ECONNREFUSED: 'the connection was refused',
		ENOTFOUND: 'the host name does not resolve',
		EAI_AGAIN: 'the host name does not resolve',
		ECONNRESET: 'the connection was reset',
		ETIMEDOUT: 'the connection timed out',
		EHOSTUNREACH: 'the host is unreachable',
	};
	if (unreachable[code]) {
		return {
			message: `Could not reach the Voice Bridge at ${baseUrl}: ${unreachable[code]}`,
			description:
				'Check the Bridge URL in the Voice Bridge API credential, and that the bridge is running and reachable from n8n (npm start in the bridge folder).',
		};
	}
	return {
		message: `The Voice Bridge at ${baseUrl} did not accept the request${status ? ` (HTTP ${status})` : ''}`,
		httpCode: status ? String(status) : undefined,
	};
}

function safeJson(text: string): BridgeErrorBody | undefined {
	try {
		return JSON.parse(text) as BridgeErrorBody;
	} catch {
		return undefined;
	}
}

function statusOf(error: JsonObject): number | undefined {
	const cause = (error.cause ?? {}) as JsonObject;
	const response = (error.response ?? cause.response) as { status?: number } | undefined;
	const status = response?.status ?? error.httpCode ?? error.statusCode ?? error.status;
	return status === undefined || status === null || status === '' ? undefined : Number(status);
}

/**
 * One authenticated JSON request to the bridge; failures become NodeApiError with the bridge's own
 * message. With `allowNotFound`, a 404 resolves to undefined instead.
 */
export async function bridgeRequest<T = IDataObject>(
	context: Context,
	method: IHttpRequestMethods,
	path: string,
	options: {
		body?: IDataObject;
		qs?: IDataObject;
		headers?: Record<string, string>;
		itemIndex?: number;
		allowNotFound?: boolean;
	} = {},
): Promise<T> {
	const { baseUrl } = await bridgeCredentials(context);
	const request: IHttpRequestOptions = {
		method,
		url: `${baseUrl}${path}`,
		json: true,
		headers: options.headers,
		qs: options.qs,
		body: options.body,
	};
	try {
		return (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, request)) as T;
	} catch (error) {
		if (options.allowNotFound && statusOf(error as JsonObject) === 404) return undefined as T;
		const failure = describeFailure(error as JsonObject, baseUrl);
		// A fresh error object: n8n would otherwise keep its own wrapper and generic message.
		throw new NodeApiError(context.getNode(), { ...failure } as JsonObject, {
			...failure,
			itemIndex: options.itemIndex,
		});
	}
}
