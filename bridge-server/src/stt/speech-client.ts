import { SpeechClient } from '@google-cloud/speech';
import { grpc } from 'google-gax';
import type { SpeechSettings } from '../config/load-config';

/** Google's own universe: naming it stops the auth library asking the metadata server for it. */
const GOOGLE_UNIVERSE = 'googleapis.com';

/**
 * The real @google-cloud/speech client. GOOGLE_STT_ENDPOINT points it at another server (the
 * sandbox's gRPC simulator in tests), and GOOGLE_STT_INSECURE makes that plaintext and
 * credential-free: then nothing is asked of Google's auth or metadata servers, so the bridge
 * makes no request off the machine.
 */
export function createSpeechClient(settings: SpeechSettings): SpeechClient {
  return new SpeechClient({
    universeDomain: GOOGLE_UNIVERSE,
    ...(settings.endpoint ? { apiEndpoint: settings.endpoint.host, port: settings.endpoint.port } : {}),
    ...(settings.insecure ? { sslCreds: grpc.credentials.createInsecure() } : {}),
    ...(settings.credentialsFile ? { keyFilename: settings.credentialsFile } : {}),
  });
}
