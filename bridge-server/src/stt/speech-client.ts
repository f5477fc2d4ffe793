import { SpeechClient } from '@google-cloud/speech';
import { grpc } from 'google-gax';
import type { SpeechSettings } from '../config';

/**
 * The real @google-cloud/speech client. GOOGLE_STT_ENDPOINT points it at another server (the
 * sandbox's gRPC simulator in tests), and GOOGLE_STT_INSECURE makes that plaintext and
 * credential-free.
 */
export function createSpeechClient(settings: SpeechSettings): SpeechClient {
  return new SpeechClient({
    ...(settings.endpoint ? { apiEndpoint: settings.endpoint.host, port: settings.endpoint.port } : {}),
    ...(settings.insecure ? { sslCreds: grpc.credentials.createInsecure() } : {}),
    ...(settings.credentialsFile ? { keyFilename: settings.credentialsFile } : {}),
  });
}
