import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * POSTs a delivery and resolves to the HTTP status (0 for a network failure or timeout). Built on
 * node:http with keep-alive agents: a few times cheaper per request than fetch, which matters at
 * thousands of deliveries a second. The response body is drained and ignored.
 */
export class WebhookSender {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly timeoutMs: number) {}

  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; error?: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: 0, error: 'invalid URL' });
        return;
      }
      const secure = target.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        target,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: this.timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
          res.on('error', (error) => resolve({ status: 0, error: error.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error: NodeJS.ErrnoException) => resolve({ status: 0, error: error.code ?? error.message }));
      req.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
