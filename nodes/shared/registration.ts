import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';
import { acceptSignedDelivery } from './signed-delivery';
import { bridgeRequest } from './transport';

/**
 * What a trigger registered with the bridge on publish, in the workflow's static data: the
 * bridge-side id under `key` (a subscription id, a tool name), the signing secret, the URL.
 */
type Registration = Record<string, string | undefined>;

export function registrationOf(context: IHookFunctions | IWebhookFunctions): Registration {
	return context.getWorkflowStaticData('node') as Registration;
}

/** Unpublish: remove the bridge-side registration (already gone counts as removed) and forget it. */
export async function unregister(context: IHookFunctions, key: string, path: (id: string) => string): Promise<boolean> {
	const registration = registrationOf(context);
	const id = registration[key];
	if (id) await bridgeRequest(context, 'DELETE', path(id), { allowNotFound: true });
	delete registration[key];
	delete registration.secret;
	delete registration.url;
	return true;
}

/** A delivery to the trigger, signed with the registration's secret; false when refused (401 sent). */
export function acceptRegisteredDelivery(context: IWebhookFunctions): boolean {
	return acceptSignedDelivery(context, registrationOf(context).secret ?? '');
}
