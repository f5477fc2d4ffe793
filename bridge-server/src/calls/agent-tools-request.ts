import Ajv from 'ajv';
import { z } from 'zod';
import { BUILT_IN_TOOL_NAMES } from '../agent/built-in-tools';

/**
 * Validation of what a call's agent may do: its tools, MCP servers, transfer and keypad. Names
 * and parameter schemas are held to what Gemini accepts (a refused declaration would close the
 * session at set-up, mid-ring), so a bad tool is a 400 at placement, every problem listed.
 */

export const TOOL_LIMITS = {
  tools: 32,
  mcpServers: 4,
  descriptionChars: 2_000,
  schemaBytes: 16_384,
  timeoutSec: { min: 1, max: 60, default: 10 },
} as const;

/** Gemini: starts with a letter or underscore; letters, digits, `_ . : -`; at most 128 (we allow 64). */
export const TOOL_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
/** Gemini: parameter names start with a letter or underscore; letters, digits, `_`; at most 64. */
const PARAMETER_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

const ajv = new Ajv({ strict: false, validateSchema: true });

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +15551230000');

/** Every problem with a parameters schema, as Gemini would see them. */
export function parameterSchemaProblems(schema: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (Buffer.byteLength(JSON.stringify(schema)) > TOOL_LIMITS.schemaBytes)
    problems.push(`must be at most ${TOOL_LIMITS.schemaBytes} bytes of JSON`);
  if (schema.type !== 'object') problems.push('must be an object schema ("type": "object")');
  if (!ajv.validateSchema(schema))
    for (const error of ajv.errors ?? [])
      problems.push(`is not valid JSON Schema: ${error.instancePath || '/'} ${error.message}`);
  const properties = schema.properties;
  if (properties !== undefined && (typeof properties !== 'object' || properties === null || Array.isArray(properties)))
    problems.push('properties must be an object');
  else
    for (const name of Object.keys(properties ?? {}))
      if (!PARAMETER_NAME.test(name))
        problems.push(
          `parameter name ${JSON.stringify(name)} must start with a letter or _ and use only letters, digits and _ (at most 64)`,
        );
  return problems;
}

const toolName = z
  .string()
  .regex(TOOL_NAME, 'must start with a letter or _ and use only letters, digits, _ . : - (at most 64)')
  .refine((name) => !BUILT_IN_TOOL_NAMES.includes(name), { message: 'is the name of a built-in tool' });

/** A tool's definition; `url` obeys the bridge's target policy. */
export function agentToolSchema(url: z.ZodType<string>) {
  return z
    .object({
      name: toolName,
      description: z.string().trim().min(1, 'is required').max(TOOL_LIMITS.descriptionChars),
      parameters: z
        .record(z.string(), z.unknown())
        .superRefine((schema, ctx) => {
          for (const problem of parameterSchemaProblems(schema)) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional()
        .describe('JSON Schema of the arguments: an object schema'),
      url,
      timeoutSec: z
        .number()
        .int()
        .min(TOOL_LIMITS.timeoutSec.min)
        .max(TOOL_LIMITS.timeoutSec.max)
        .optional()
        .describe(`default ${TOOL_LIMITS.timeoutSec.default}`),
      keepTalking: z.boolean().optional().describe('the agent keeps talking while the tool runs (default true)'),
      secret: z
        .string()
        .min(16, 'must be at least 16 characters')
        .max(256)
        .describe("signs the tool's requests (X-Voice-Bridge-Signature), as deliveries are signed"),
    })
    .strict();
}

/** `PUT /v1/tools/:name`: a tool's definition without its name (the path's), the secret optional. */
export function registeredToolSchema(url: z.ZodType<string>) {
  return agentToolSchema(url)
    .omit({ name: true })
    .extend({ secret: agentToolSchema(url).shape.secret.optional() });
}

export const toolNameSchema = toolName;

/** The agent's tool, MCP, transfer and keypad fields, merged into the agent schema. */
export function agentActionFields(url: z.ZodType<string>) {
  return {
    tools: z
      .array(agentToolSchema(url))
      .max(TOOL_LIMITS.tools)
      .superRefine((tools, ctx) => {
        const seen = new Set<string>();
        tools.forEach((tool, index) => {
          if (seen.has(tool.name))
            ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${tool.name} is defined twice` });
          seen.add(tool.name);
        });
      })
      .optional()
      .describe('tools the agent may call mid-call: the bridge POSTs a signed request to each url'),
    registeredTools: z
      .array(toolName)
      .max(TOOL_LIMITS.tools)
      .optional()
      .describe('names of tools registered with PUT /v1/tools/:name (the Voice Agent Tool trigger)'),
    mcpServers: z
      .array(
        z
          .object({
            url,
            headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(4096)).optional(),
          })
          .strict(),
      )
      .max(TOOL_LIMITS.mcpServers)
      .optional()
      .describe('MCP servers (Streamable HTTP) whose tools the agent may call'),
    transfer: z
      .object({
        to: e164,
        mode: z.enum(['cold', 'warm']).optional().describe('default cold'),
        announce: z.string().trim().min(1).max(500).optional(),
      })
      .strict()
      .optional()
      .describe('enables the built-in transfer_call tool'),
    pressKeys: z.boolean().optional().describe('enables the built-in press_keys tool (DTMF, for phone menus)'),
  };
}
