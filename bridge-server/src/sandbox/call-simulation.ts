import type { Logger } from '../shared/logger';
import type { CalleeScript } from './callee-script';
import type { CallRecorder } from './call-recorder';
import type { FrameTelemetry } from './frame-telemetry';
import type { MediaConditions } from './media-network';

/** How the carrier plays out one simulated call: its clock, its log, its network, who answers. */
export interface CallSimulation {
  /** 1 = real time; tests run calls faster. */
  speed: number;
  log: Logger;
  /** Load testing: every frame timed and counted. */
  telemetry?: FrameTelemetry;
  media?: MediaConditions;
  /** Whoever answers a number this call dials (a transfer). */
  scriptFor?: (to: string) => CalleeScript;
  /** The call is recorded (`Record=true`): both sides, tick by tick. */
  recorder?: CallRecorder;
}
