/**
 * The two directions of a call's audio as Twilio names its tracks: `inbound` is what the callee
 * says; `outbound` is what they hear (the agent, or the party at connectTo).
 */
export type MediaTrack = 'inbound' | 'outbound';
