import { ICredentialsHelper } from 'n8n-workflow';
import type {
  ICredentialDataDecryptedObject,
  ICredentials,
  ICredentialType,
  IHttpRequestHelper,
  IHttpRequestOptions,
  INode,
  INodeCredentialsDetails,
  INodeProperties,
  IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

/** Resolves `={{$credentials.x}}` templates, as n8n's own helper does for generic authentication. */
function resolveTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
  if (typeof value !== 'string' || !value.startsWith('=')) return value;
  return value
    .slice(1)
    .replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''));
}

/**
 * The credentials side of a test n8n: holds decrypted credentials in memory and applies a
 * credential type's declarative `authenticate` block to outgoing requests.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
  constructor(
    private readonly types: Record<string, ICredentialType>,
    private readonly values: Record<string, ICredentialDataDecryptedObject>,
  ) {
    super();
  }

  getParentTypes(): string[] {
    return [];
  }

  isCredentialUsableByNode(): boolean {
    return true;
  }

  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    request: IHttpRequestOptions,
  ): Promise<IHttpRequestOptions> {
    const auth = this.types[typeName]?.authenticate;
    if (!auth || typeof auth === 'function' || auth.type !== 'generic') return request;
    const headers: Record<string, unknown> = { ...(request.headers ?? {}) };
    for (const [name, value] of Object.entries(auth.properties.headers ?? {}))
      headers[name] = resolveTemplate(value, credentials);
    return { ...request, headers: headers as IHttpRequestOptions['headers'] };
  }

  async preAuthentication(
    _helpers: IHttpRequestHelper,
    _credentials: ICredentialDataDecryptedObject,
    _typeName: string,
    _node: INode,
  ): Promise<undefined> {
    return undefined;
  }

  async runPreAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
    throw new Error('not used by these nodes');
  }

  async getDecrypted(
    _additionalData: IWorkflowExecuteAdditionalData,
    _details: INodeCredentialsDetails,
    type: string,
  ): Promise<ICredentialDataDecryptedObject> {
    return this.values[type] ?? {};
  }

  async updateCredentials(): Promise<void> {}

  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(): INodeProperties[] {
    return [];
  }
}
