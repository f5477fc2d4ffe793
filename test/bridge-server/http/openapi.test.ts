import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { listRoutes } from '../../support/route-list';
import { startTestBridge, type TestBridge } from '../../support/sandbox-bridge';

/** The validator is an ES module, which jest's VM cannot import: it runs in a process of its own. */
function validate(document: object): { valid: boolean; version: string; errors?: unknown } {
  const script = `import { Validator } from '@seriousme/openapi-schema-validator';
    const chunks = []; for await (const chunk of process.stdin) chunks.push(chunk);
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(Buffer.concat(chunks).toString()));
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(document),
    cwd: join(__dirname, '..', '..', '..'),
  });
  return JSON.parse(out.toString());
}

describe('the OpenAPI document', () => {
  let t: TestBridge;
  let document: any;

  beforeAll(async () => {
    t = await startTestBridge({}, { redis: false });
    document = (await t.api('/openapi.json')).body;
  });

  afterAll(async () => {
    await t.close();
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = validate(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.1');
  });

  it('describes every route the bridge serves, with its method', () => {
    const documented = new Set(
      Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const served = listRoutes(t.bridge.app)
      .filter(([, path]) => !path.startsWith('/docs') && path !== '/openapi.json')
      .map(([method, path]) => `${method} ${path}`);
    expect(served.length).toBeGreaterThan(15);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
  });

  it('describes the call request from the schema that validates it: fields, limits and enums', () => {
    const body = document.paths['/v1/calls'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['to', 'mode']));
    expect(body.properties.mode.enum).toEqual(['agent', 'transcribe']);
    expect(body.properties.agent.properties.prompt.maxLength).toBe(32_000);
    expect(body.properties.agent.properties.voice.enum).toContain('Kore');
    expect(body.properties.machineDetection.enum).toEqual(['off', 'hangup', 'continue']);
    expect(body.additionalProperties).toBe(false);
    expect(document.paths['/v1/calls'].post.security).toEqual([{ bearerKey: [] }]);
    expect(document.paths['/twilio/status'].post.security).toEqual([{ twilioSignature: [] }]);
  });

  it('serves a rendered reference page at /docs', async () => {
    const page = await fetch(`${t.url}/docs/static/index.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });
});
