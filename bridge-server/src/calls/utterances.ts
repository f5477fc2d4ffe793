import type { NewTranscriptEntry } from '../store/call-store';

/**
 * Builds whole utterances from Gemini's transcription fragments ("Ca" / "n I" / " pl" ...).
 * Fragments carry their own spacing, so they are joined as they come and whitespace is tidied.
 *
 * The agent's side is playback-aware: each fragment is tagged with how many audio frames of the
 * turn had been produced when it arrived, and only fragments whose audio the callee has heard
 * (confirmed by Twilio marks) make it into the transcript. An interrupted sentence is cut where
 * the callee stopped hearing it.
 */

export function joinFragments(fragments: readonly string[]): string {
  return fragments.join('').replace(/\s+/g, ' ').trim();
}

interface AgentFragment {
  text: string;
  /** Frames of the turn produced when the fragment arrived. */
  frames: number;
}

export class AgentUtterance {
  private readonly fragments: AgentFragment[] = [];
  startMs: number | null = null;
  endMs = 0;

  add(text: string, framesProduced: number): void {
    this.fragments.push({ text, frames: framesProduced });
  }

  /** The first frame of the turn is scheduled to play at `atMs`. */
  started(atMs: number): void {
    this.startMs ??= atMs;
  }

  get isEmpty(): boolean {
    return this.fragments.length === 0;
  }

  /** Everything transcribed so far, heard or not (for live viewers). */
  get text(): string {
    return joinFragments(this.fragments.map((f) => f.text));
  }

  /** The entry for what was heard: everything, or only up to `heardFrames` when cut short. */
  toEntry(heardFrames: number | 'all', nowMs: number): NewTranscriptEntry | undefined {
    const heard = heardFrames === 'all' ? this.fragments : this.fragments.filter((f) => f.frames <= heardFrames);
    const text = joinFragments(heard.map((f) => f.text));
    if (!text) return undefined;
    const startMs = Math.round(this.startMs ?? nowMs);
    return { speaker: 'agent', text, startMs, endMs: Math.max(startMs, Math.round(this.endMs || nowMs)) };
  }
}

export class CalleeUtterance {
  private readonly fragments: string[] = [];
  startMs: number | null = null;
  endMs = 0;

  add(text: string, speechStartedMs: number, nowMs: number): void {
    this.fragments.push(text);
    this.startMs ??= Math.min(speechStartedMs, nowMs);
    this.endMs = nowMs;
  }

  get isEmpty(): boolean {
    return this.fragments.length === 0;
  }

  get text(): string {
    return joinFragments(this.fragments);
  }

  toEntry(lastVoiceMs: number): NewTranscriptEntry | undefined {
    const text = joinFragments(this.fragments);
    if (!text || this.startMs === null) return undefined;
    const startMs = Math.round(this.startMs);
    return {
      speaker: 'callee',
      text,
      startMs,
      endMs: Math.round(Math.max(startMs, Math.min(this.endMs, Math.max(lastVoiceMs, startMs)))),
    };
  }
}
