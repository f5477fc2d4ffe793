import type { RegisteredTool } from '../shared/wire-types';
import type { NamedRecords } from './named-records';

/** A registered tool as stored: with the secret its requests are signed with. */
export interface StoredTool extends RegisteredTool {
  secret: string;
}

/**
 * Tools registered with the bridge (the Voice Agent Tool trigger registers one on publish),
 * which any call may name in `agent.registeredTools`; kept by tool name.
 */
export type ToolRegistry = NamedRecords<StoredTool>;
