import { createHash } from 'node:crypto';
import type {
  CallEvent,
  CallEventType,
  CallResource,
  DeliveredEvent,
  ToolUse,
  TranscriptEntry,
} from '../shared/wire-types';

/**
 * Where the bridge's events go: written durably (the events stream and each subscriber's
 * outbox) before any delivery attempt, and published for live readers.
 */
export interface EventPublisher {
  publish(event: DeliveredEvent): Promise<void>;
}

/**
 * The id of the event for one happening in a call (`status:ringing`, `ended`, `entry:<id>`):
 * derived, not random, so publishing it again (a retry once the store is back, or a second
 * instance reaching the same conclusion) names the same event, which the store records once.
 */
export function eventIdFor(callId: string, happening: string): string {
  return `evt_${createHash('sha256').update(`${callId}\n${happening}`).digest('hex').slice(0, 24)}`;
}

export function callEvent(
  type: CallEventType,
  call: CallResource,
  happening: string,
  utterance?: TranscriptEntry,
  tool?: ToolUse,
): CallEvent {
  return {
    id: eventIdFor(call.id, happening),
    type,
    createdAt: new Date().toISOString(),
    call,
    ...(utterance ? { utterance } : {}),
    ...(tool ? { tool } : {}),
  };
}
