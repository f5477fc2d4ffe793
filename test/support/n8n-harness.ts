import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  ExecutionLifecycleHooks,
  HookContext,
  PackageDirectoryLoader,
  WebhookContext,
  WorkflowExecute,
} from 'n8n-core';
import type {
  ICredentialDataDecryptedObject,
  IConnections,
  INode,
  INodeExecutionData,
  INodeType,
  INodeTypes,
  IRun,
  IRunExecutionData,
  IVersionedNodeType,
  IWebhookData,
  IWebhookResponseData,
  IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { TestCredentialsHelper } from './n8n-credentials-helper';

const PACKAGE_DIR = join(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-voice-bridge';

/** Node types of the package as n8n loads them (PackageDirectoryLoader over dist/), plus test-only ones. */
export async function loadNodeTypes(
  extra: Record<string, INodeType> = {},
): Promise<{ nodeTypes: INodeTypes; loader: PackageDirectoryLoader }> {
  const loader = new PackageDirectoryLoader(PACKAGE_DIR);
  await loader.loadAll();
  const byName = (type: string): INodeType | IVersionedNodeType => {
    if (extra[type]) return extra[type];
    const [pkg, name] = type.split('.');
    if (pkg !== PACKAGE_NAME) throw new Error(`unknown node type ${type}`);
    return loader.getNode(name).type;
  };
  const nodeTypes: INodeTypes = {
    getByName: byName,
    getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(byName(type), version),
    getKnownTypes: () => ({}),
  };
  return { nodeTypes, loader };
}

/** A minimal express-like response over node's, enough for nodes' webhook() methods. */
function expressResponse(res: ServerResponse) {
  const response = {
    statusCode: 200,
    headersSent: false,
    status(code: number) {
      res.statusCode = code;
      return response;
    },
    json(body: unknown) {
      response.headersSent = true;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
      return response;
    },
    send(body: unknown) {
      response.headersSent = true;
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
      return response;
    },
    end() {
      response.headersSent = true;
      res.end();
    },
  };
  return response;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface ExecutionRecord {
  id: string;
  workflow: Workflow;
  /** Set while n8n is still working on it (a resume now would get 409, as in real n8n). */
  running: boolean;
  runs: IRun[];
  data: IRunExecutionData;
}

/**
 * A small n8n for tests: runs workflows through n8n-core's real WorkflowExecute, and serves the
 * waiting-webhook URLs (`<base>/webhook-waiting/<executionId>`) and production webhook URLs the
 * way n8n does, so the bridge's deliveries resume executions and fire triggers for real.
 */
export class N8nHarness {
  private server?: Server;
  baseUrl = '';
  readonly executions = new Map<string, ExecutionRecord>();
  private nextExecutionId = 1;
  /** Trigger workflows whose webhooks are live, by webhook path. */
  private readonly triggers = new Map<string, { workflow: Workflow; node: INode; fired: IRun[] }>();

  constructor(
    readonly nodeTypes: INodeTypes,
    private readonly credentials: TestCredentialsHelper,
  ) {}

  static async start(
    credentials: Record<string, ICredentialDataDecryptedObject>,
    extraNodes: Record<string, INodeType> = {},
  ): Promise<N8nHarness> {
    const { nodeTypes, loader } = await loadNodeTypes(extraNodes);
    const types = Object.fromEntries(
      Object.keys(loader.credentialTypes).map((name) => [name, loader.getCredential(name).type]),
    );
    const harness = new N8nHarness(nodeTypes, new TestCredentialsHelper(types, credentials));
    harness.server = createServer((req, res) => void harness.route(req, res));
    await new Promise<void>((resolve) => harness.server!.listen(0, '127.0.0.1', resolve));
    harness.baseUrl = `http://127.0.0.1:${(harness.server.address() as AddressInfo).port}`;
    return harness;
  }

  additionalData(
    executionId: string,
    extra: Partial<IWorkflowExecuteAdditionalData> = {},
  ): IWorkflowExecuteAdditionalData {
    return {
      credentialsHelper: this.credentials,
      executionId,
      webhookBaseUrl: `${this.baseUrl}/webhook`,
      webhookWaitingBaseUrl: `${this.baseUrl}/webhook-waiting`,
      webhookTestBaseUrl: `${this.baseUrl}/webhook-test`,
      formWaitingBaseUrl: `${this.baseUrl}/form-waiting`,
      restApiUrl: `${this.baseUrl}/rest`,
      instanceBaseUrl: this.baseUrl,
      variables: {},
      currentNodeParameters: undefined,
      ...extra,
    } as unknown as IWorkflowExecuteAdditionalData;
  }

  workflow(nodes: INode[], connections: IConnections, staticData = {}): Workflow {
    return new Workflow({
      id: `wf_${randomBytes(4).toString('hex')}`,
      nodes,
      connections,
      nodeTypes: this.nodeTypes,
      active: false,
      staticData,
    });
  }

  /** Runs a workflow from its first node; resolves when n8n has saved it (finished or waiting). */
  async run(
    workflow: Workflow,
    input: { json: Record<string, unknown> }[] = [{ json: {} }],
    id = String(this.nextExecutionId++),
  ): Promise<ExecutionRecord> {
    // The first node listed is where the run starts (as n8n's "execute from here").
    const start = Object.values(workflow.nodes)[0];
    if (!start) throw new Error('workflow has no nodes');
    const data: IRunExecutionData = {
      resultData: { runData: {} },
      executionData: {
        contextData: {},
        metadata: {},
        waitingExecution: {},
        waitingExecutionSource: null,
        nodeExecutionStack: [{ node: start, data: { main: [input] }, source: null }],
      },
    } as unknown as IRunExecutionData;
    const record: ExecutionRecord = { id, workflow, running: true, runs: [], data };
    this.executions.set(id, record);
    await this.process(record);
    return record;
  }

  /** The same execution run again from its start (as when n8n retries it), with the same id. */
  runAgain(record: ExecutionRecord): Promise<ExecutionRecord> {
    const start = Object.values(record.workflow.nodes)[0];
    const input = record.runs[0].data.resultData.runData[start.name]?.[0]?.data?.main?.[0] ?? [];
    return this.run(
      record.workflow,
      input.map((item) => ({ json: item.json })),
      record.id,
    );
  }

  private async process(record: ExecutionRecord): Promise<void> {
    record.running = true;
    const hooks = new ExecutionLifecycleHooks('manual', record.id, {
      id: record.workflow.id,
      name: 'test',
      nodes: [],
      connections: {},
      active: false,
    } as never);
    const run = await new WorkflowExecute(
      this.additionalData(record.id, { hooks }),
      'manual',
      record.data,
    ).processRunExecutionData(record.workflow);
    record.data = run.data;
    record.runs.push(run);
    record.running = false;
  }

  /** Output items of a node in the execution's latest state. */
  output(record: ExecutionRecord, nodeName: string): Record<string, unknown>[] {
    const runs = record.data.resultData.runData[nodeName] ?? [];
    return (runs.at(-1)?.data?.main?.[0] ?? []).map((item) => item.json);
  }

  /** Output items of a node, binary data included. */
  items(record: ExecutionRecord, nodeName: string): INodeExecutionData[] {
    const runs = record.data.resultData.runData[nodeName] ?? [];
    return runs.at(-1)?.data?.main?.[0] ?? [];
  }

  status(record: ExecutionRecord): string | undefined {
    return record.runs.at(-1)?.status;
  }

  /** Publishes a trigger workflow: runs checkExists/create as n8n does on publish. */
  async publish(workflow: Workflow, node: INode): Promise<void> {
    const hooks = this.webhookMethods(node);
    const context = new HookContext(
      workflow,
      node,
      this.additionalData('activation'),
      'trigger',
      'activate',
      this.webhookData(workflow, node),
    );
    if (!(await hooks.checkExists.call(context))) await hooks.create.call(context);
    this.triggers.set(this.webhookPath(workflow, node), { workflow, node, fired: [] });
  }

  /** Unpublishes: runs delete. */
  async unpublish(workflow: Workflow, node: INode): Promise<void> {
    const context = new HookContext(
      workflow,
      node,
      this.additionalData('activation'),
      'trigger',
      'activate',
      this.webhookData(workflow, node),
    );
    await this.webhookMethods(node).delete.call(context);
    this.triggers.delete(this.webhookPath(workflow, node));
  }

  /** What publishing would run, for the check on its own. */
  async checkExists(workflow: Workflow, node: INode): Promise<boolean> {
    const context = new HookContext(
      workflow,
      node,
      this.additionalData('activation'),
      'trigger',
      'activate',
      this.webhookData(workflow, node),
    );
    return this.webhookMethods(node).checkExists.call(context);
  }

  firedRuns(workflow: Workflow, node: INode): IRun[] {
    return this.triggers.get(this.webhookPath(workflow, node))?.fired ?? [];
  }

  private webhookMethods(node: INode) {
    const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion) as INodeType;
    const methods = type.webhookMethods?.default;
    if (!methods) throw new Error(`${node.type} has no webhook methods`);
    return methods;
  }

  private webhookData(workflow: Workflow, node: INode): IWebhookData {
    const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion) as INodeType;
    const description = type.description.webhooks![0];
    return {
      httpMethod: 'POST',
      node: node.name,
      path: this.webhookPath(workflow, node),
      webhookDescription: description,
      workflowId: workflow.id,
      workflowExecuteAdditionalData: this.additionalData('activation'),
      webhookId: node.webhookId,
    } as IWebhookData;
  }

  private webhookPath(workflow: Workflow, node: INode): string {
    const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion) as INodeType;
    return NodeHelpers.getNodeWebhookPath(workflow.id, node, String(type.description.webhooks![0].path));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const raw = await readBody(req);
    let body: unknown = {};
    try {
      body = raw.length ? JSON.parse(raw.toString()) : {};
    } catch {
      body = {};
    }
    const request = {
      body,
      rawBody: raw,
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      params: {},
      method: req.method,
      url: req.url,
    };
    const waiting = /^\/webhook-waiting\/([^/]+)/.exec(url.pathname);
    if (waiting) return this.resume(waiting[1], request, res);
    const trigger = this.triggers.get(url.pathname.replace(/^\/webhook\//, ''));
    if (url.pathname.startsWith('/webhook/') && trigger) return this.fire(trigger, request, res);
    res.writeHead(404).end('{"message":"not registered"}');
  }

  /** n8n's waiting-webhook handling: 409 while running, run the node's webhook(), resume with its output. */
  private async resume(executionId: string, request: object, res: ServerResponse): Promise<void> {
    const record = this.executions.get(executionId);
    if (!record) return void res.writeHead(404).end('{"message":"execution not found"}');
    if (record.running) return void res.writeHead(409).end('{"message":"running already"}');
    if (this.status(record) !== 'waiting')
      return void res.writeHead(409).end('{"message":"execution has finished already"}');
    const stackEntry = record.data.executionData!.nodeExecutionStack[0];
    const response = expressResponse(res);
    const result = await this.callWebhook(record.workflow, stackEntry.node, request, response, record.data);
    if (!result.workflowData) {
      if (!response.headersSent) res.writeHead(200).end();
      return;
    }
    stackEntry.data.main = result.workflowData;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"Workflow was started"}');
    await this.process(record);
  }

  private async fire(
    trigger: { workflow: Workflow; node: INode; fired: IRun[] },
    request: object,
    res: ServerResponse,
  ): Promise<void> {
    const response = expressResponse(res);
    const result = await this.callWebhook(trigger.workflow, trigger.node, request, response, null);
    if (!response.headersSent)
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(result.webhookResponse ?? { message: 'Workflow was started' }));
    if (!result.workflowData) return;
    const record = await this.run(trigger.workflow, result.workflowData[0]);
    trigger.fired.push(record.runs.at(-1)!);
  }

  private async callWebhook(
    workflow: Workflow,
    node: INode,
    request: object,
    response: object,
    runData: IRunExecutionData | null,
  ): Promise<IWebhookResponseData> {
    const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion) as INodeType;
    const executionId = [...this.executions.values()].find((e) => e.data === runData)?.id ?? 'trigger';
    const additionalData = this.additionalData(executionId, { httpRequest: request, httpResponse: response } as never);
    const context = new WebhookContext(
      workflow,
      node,
      additionalData,
      'webhook',
      this.webhookData(workflow, node),
      [],
      runData,
    );
    return type.webhook!.call(context);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
