import type { IDataObject, IExecuteFunctions, IHookFunctions, IHttpRequestMethods, IHttpRequestOptions, ILoadOptionsFunctions, IWebhookFunctions, JsonObject } from 'n8n-workflow';
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

/** What the bridge said, or how it could not be reached, in words a workflow builder can act on. */
function describeFailure(error: JsonObject, baseUrl: string): { message: string; description?: string; httpCode?: string } {
	const response = (error.response ?? {}) as { status?: number; data?: unknown };
	const body = (response.data ?? error.body ?? (error.cause as JsonObject | undefined)?.body) as BridgeErrorBody | string | undefined;
	const parsed: BridgeErrorBody | undefined = typeof body === 'string' ? safeJson(body) : body;
	if (parsed?.error?.message) {
		const details = parsed.error.details?.map((d) => (d.field ? `${d.field}: ${d.problem}` : d.problem)).join('; ');
		return { message: `${parsed.error.message}`, description: `Bridge error ${parsed.error.code ?? ''}${details ? ` — ${details}` : ''}`.trim(), httpCode: String(statusOf(error) ?? '') };
	}
	const code = String(error.code ?? (error.cause as JsonObject | undefined)?.code ?? '');
	if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) {
		return {
			message: `Could not reach the Voice Bridge at ${baseUrl} (${code})`,
			description: 'Check the Bridge URL in the Voice Bridge API credential, and that the bridge is running and reachable from n8n (npm start in the bridge folder).',
		};
	}
	return { message: `The Voice Bridge at ${baseUrl} did not accept the request` };
}

function safeJson(text: string): BridgeErrorBody | undefined {
	try {
		return JSON.parse(text) as BridgeErrorBody;
	} catch {
		return undefined;
	}
}

function statusOf(error: JsonObject): number | undefined {
	const response = error.response as { status?: number } | undefined;
	const status = response?.status ?? error.httpCode ?? error.statusCode ?? error.status;
	return status === undefined ? undefined : Number(status);
}

/**
 * One authenticated JSON request to the bridge; failures become NodeApiError with the bridge's own
 * message. With `allowNotFound`, a 404 resolves to undefined instead.
 */
export async function bridgeRequest<T = IDataObject>(
	context: Context,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject; headers?: Record<string, string>; itemIndex?: number; allowNotFound?: boolean } = {},
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
		throw new NodeApiError(context.getNode(), error as JsonObject, { ...failure, itemIndex: options.itemIndex });
	}
}
