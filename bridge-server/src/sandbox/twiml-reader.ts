/** Reads what the sandbox carrier needs from the TwiML it is given (our own, SDK-built). */

export interface StreamInstruction {
  url: string;
  /** `<Connect><Stream>` is bidirectional; `<Start><Stream>` only forks audio. */
  bidirectional: boolean;
  track: 'inbound_track' | 'outbound_track' | 'both_tracks';
  parameters: Record<string, string>;
  /** `<Dial>` target after `<Start><Stream>`, if any. */
  dial?: string;
  /** The `<Dial>`'s action URL: told how the dial ended. */
  dialAction?: string;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeXml(match[1]) : undefined;
}

export function readStreamInstruction(twiml: string): StreamInstruction | undefined {
  const streamTag = /<Stream\b[^>]*>/.exec(twiml)?.[0];
  const url = streamTag && attribute(streamTag, 'url');
  if (!streamTag || !url) return undefined;
  const parameters: Record<string, string> = {};
  for (const [tag] of twiml.matchAll(/<Parameter\b[^>]*\/?>/g)) {
    const name = attribute(tag, 'name');
    if (name) parameters[name] = attribute(tag, 'value') ?? '';
  }
  const track = (attribute(streamTag, 'track') ?? 'inbound_track') as StreamInstruction['track'];
  const dialMatch = /<Dial\b[^>]*>([^<]+)<\/Dial>/.exec(twiml);
  const dial = dialMatch?.[1];
  const dialTag = /<Dial\b[^>]*>/.exec(twiml)?.[0];
  return {
    url,
    bidirectional: twiml.includes('<Connect>'),
    track,
    parameters,
    dial: dial ? unescapeXml(dial.trim()) : undefined,
    dialAction: dialTag ? attribute(dialTag, 'action') : undefined,
  };
}
