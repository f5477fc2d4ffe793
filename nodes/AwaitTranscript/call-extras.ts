import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { bridgeCredentials, bridgeRequest, CREDENTIAL_TYPE } from '../shared/transport';
import type { CallResource, CallSettings } from '../shared/wire-types';

type Context = IExecuteFunctions | IWebhookFunctions;

/** Whether an ended call still waits for its post-call analysis (it asked for one, none has come). */
export async function awaitsAnalysis(context: IExecuteFunctions, call: CallResource): Promise<boolean> {
	if (call.analysis || call.analysisError) return false;
	const settings = await bridgeRequest<CallSettings>(
		context,
		'GET',
		`/v1/calls/${encodeURIComponent(call.id)}/settings`,
	);
	return Boolean(settings.analysis);
}

/** The call's recording as n8n binary data (`<call id>.wav`), or undefined when it has none. */
export async function recordingBinary(context: Context, call: CallResource): Promise<IBinaryData | undefined> {
	if (call.recording?.status !== 'completed') return undefined;
	const { baseUrl } = await bridgeCredentials(context);
	const audio = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
		method: 'GET',
		url: `${baseUrl}/v1/calls/${encodeURIComponent(call.id)}/recording`,
		encoding: 'arraybuffer',
		json: false,
	})) as ArrayBuffer;
	return context.helpers.prepareBinaryData(Buffer.from(audio), `${call.id}.wav`, 'audio/x-wav');
}
