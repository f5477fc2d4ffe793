/**
 * The sandbox's stand-in for a text model reading a call: an answer built from the transcript it
 * was given (`Speaker: text` lines) and shaped by the response schema, so a flow built on it
 * offline sees the fields it asked for, typed as asked, with values from what was said.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  description?: string;
  required?: string[];
};

export interface TranscriptLine {
  speaker: string;
  text: string;
}

const WORD_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const YES = /\b(yes|yeah|sure|works|fine|great|ok|okay|please|thank)/i;
const NO = /\b(no|not|never|cancel|wrong)\b/i;

export function transcriptLines(text: string): TranscriptLine[] {
  return text
    .split('\n')
    .map((line) => /^([^:]{1,40}):\s*(.+)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ speaker: match[1], text: match[2] }));
}

const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'that',
  'this',
  'with',
  'whether',
  'what',
  'how',
  'many',
  'much',
  'you',
  'your',
  'was',
  'are',
]);

function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]{3,}/g) ?? []).filter((word) => !STOP_WORDS.has(word));
}

/** The line that shares the most words with what the field is called and described as. */
function bestLine(lines: TranscriptLine[], name: string, schema: Schema): TranscriptLine | undefined {
  const wanted = new Set(
    words(`${name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ')} ${schema.description ?? ''}`),
  );
  let best: TranscriptLine | undefined;
  let bestScore = 0;
  for (const line of lines) {
    const score = words(line.text).filter((word) => wanted.has(word)).length;
    if (score > bestScore) [best, bestScore] = [line, score];
  }
  return best;
}

function others(lines: TranscriptLine[]): TranscriptLine[] {
  const theirs = lines.filter((line) => !/^agent$/i.test(line.speaker));
  return theirs.length > 0 ? theirs : lines;
}

function numberIn(text: string): number | undefined {
  const digits = /-?\d+(\.\d+)?/.exec(text);
  if (digits) return Number(digits[0]);
  const word = words(text).find((w) => w in WORD_NUMBERS);
  return word ? WORD_NUMBERS[word] : undefined;
}

function typeOf(schema: Schema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return type ?? (schema.properties ? 'object' : 'string');
}

function valueFor(name: string, schema: Schema, lines: TranscriptLine[]): unknown {
  // What a field asks about is what the other side said, more often than the agent.
  const theirs = others(lines);
  const line = bestLine(theirs, name, schema) ?? theirs[0];
  const said = lines.map((l) => l.text).join(' ');
  if (schema.enum)
    return schema.enum.find((option) => said.toLowerCase().includes(String(option).toLowerCase())) ?? schema.enum[0];
  switch (typeOf(schema)) {
    case 'object':
      return fill(schema, lines);
    case 'array':
      return theirs.slice(0, 3).map((l, i) => valueFor(`${name} ${i}`, schema.items ?? { type: 'string' }, [l]));
    case 'boolean':
      return YES.test(theirs.map((l) => l.text).join(' ')) && !NO.test(line?.text ?? '');
    case 'integer':
      return Math.round(numberIn(line?.text ?? '') ?? numberIn(said) ?? theirs.length);
    case 'number':
      return numberIn(line?.text ?? '') ?? numberIn(said) ?? theirs.length;
    default:
      return line?.text ?? '';
  }
}

function fill(schema: Schema, lines: TranscriptLine[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [name, valueFor(name, property, lines)]),
  );
}

function summaryOf(lines: TranscriptLine[]): string {
  const theirs = others(lines);
  const first = theirs[0]?.text ?? '';
  const last = theirs.length > 1 ? theirs[theirs.length - 1].text : '';
  return [`A call of ${lines.length} turns.`, first && `The other side said: "${first}"`, last && `and last: "${last}"`]
    .filter(Boolean)
    .join(' ');
}

/** The answer for `schema` (the bridge's: `summary` and/or `fields`), from the transcript's lines. */
export function simulatedAnswer(schema: Schema, lines: TranscriptLine[]): Record<string, unknown> {
  const answer: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    answer[name] =
      name === 'summary' && typeOf(property) === 'string' ? summaryOf(lines) : valueFor(name, property, lines);
  return answer;
}
