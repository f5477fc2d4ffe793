import { randomBytes } from 'node:crypto';
import type { CallEvent, CallEventType, CallResource, DeliveredEvent, TranscriptEntry } from '../wire-types';

/**
 * Where the bridge's events go: written durably (the events stream and each subscriber's
 * outbox) before any delivery attempt, and published for live readers.
 */
export interface EventPublisher {
  publish(event: DeliveredEvent): Promise<void>;
}

export function newEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`;
}

export function callEvent(type: CallEventType, call: CallResource, utterance?: TranscriptEntry): CallEvent {
  return { id: newEventId(), type, createdAt: new Date().toISOString(), call, ...(utterance ? { utterance } : {}) };
}
