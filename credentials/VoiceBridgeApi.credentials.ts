import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

export class VoiceBridgeApi implements ICredentialType {
	name = 'voiceBridgeApi';

	displayName = 'Voice Bridge API';

	icon: Icon = { light: 'file:voiceBridge.svg', dark: 'file:voiceBridge.dark.svg' };

	documentationUrl = 'https://github.com/voice-bridge/n8n-nodes-voice-bridge#readme';

	properties: INodeProperties[] = [
		{
			displayName: 'Bridge URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://localhost:8080',
			placeholder: 'https://bridge.example.com',
			description: 'Base URL of your Voice Bridge server, as n8n can reach it',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The BRIDGE_API_KEY the bridge was started with. Leave empty for a sandbox bridge started without one.',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Used to verify deliveries signed with a secret you chose yourself. Leave empty to let each trigger and waiter use the secret the bridge generates for it.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/calls',
			qs: { limit: 1 },
		},
	};
}
