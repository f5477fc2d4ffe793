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

/** A transfer's `<Dial>`: `<Number url>` is what the person hears first (a warm transfer's whisper). */
export interface DialInstruction {
  to: string;
  action?: string;
  numberUrl?: string;
  timeoutSec: number;
}

/** The `<Dial><Number>` of a redirect's TwiML, if it has one. */
export function readDialInstruction(twiml: string): DialInstruction | undefined {
  const dialTag = /<Dial\b[^>]*>/.exec(twiml)?.[0];
  const number = /<Number\b([^>]*)>([^<]+)<\/Number>/.exec(twiml);
  if (!dialTag || !number) return undefined;
  return {
    to: unescapeXml(number[2].trim()),
    action: attribute(dialTag, 'action'),
    numberUrl: attribute(` ${number[1]}`, 'url'),
    timeoutSec: Number(attribute(dialTag, 'timeout') ?? 30),
  };
}

/** The text of a `<Say>` (what a whisper says), if any. */
export function readSay(twiml: string): string | undefined {
  const said = /<Say\b[^>]*>([^<]*)<\/Say>/.exec(twiml)?.[1];
  return said === undefined ? undefined : unescapeXml(said);
}
