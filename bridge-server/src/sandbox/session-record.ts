/** What the simulator saw of one session, for tests. */
export interface SimulatedSessionRecord {
  setup: Record<string, unknown>;
  resumedFrom?: string;
  audioChunksReceived: number;
  textTurns: string[];
  toolResponses: { id: string; name: string; response: Record<string, unknown> }[];
  audioStreamEnded: boolean;
  /** performance.now() of each `interrupted` sent. */
  interruptedAt: number[];
}

/** Conversation position, kept by resumption handle so a resumed session carries on. */
export interface ConversationPosition {
  calleeTurn: number;
  agentTurns: number;
  /** Scripted connection events already played (each happens once per conversation). */
  fired: Set<string>;
}
