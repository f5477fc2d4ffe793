import { z } from 'zod';
import { parameterSchemaProblems } from './agent-tools-request';

export const ANALYSIS_LIMITS = { promptChars: 4000, fields: 40 } as const;

/**
 * `analysis` in `POST /v1/calls`: a summary, fields described by a JSON Schema of an object (as
 * Gemini's structured output takes it), and extra instructions. At least one of summary and fields.
 */
export const analysisRequestSchema = z
  .object({
    summary: z.boolean().optional().describe('a short summary of what was said and agreed'),
    fields: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('JSON Schema of an object: each property is a field to fill in from the call (type and description)'),
    prompt: z
      .string()
      .trim()
      .max(ANALYSIS_LIMITS.promptChars)
      .optional()
      .describe('extra instructions for the analysis (what matters, the language of the summary)'),
  })
  .strict()
  .superRefine((analysis, ctx) => {
    if (!analysis.summary && !analysis.fields)
      ctx.addIssue({ code: 'custom', path: [], message: 'asks for nothing: set summary to true, or give fields' });
    if (!analysis.fields) return;
    for (const problem of parameterSchemaProblems(analysis.fields))
      ctx.addIssue({ code: 'custom', path: ['fields'], message: problem });
    const properties = analysis.fields.properties;
    const count = properties && typeof properties === 'object' ? Object.keys(properties).length : 0;
    if (count === 0)
      ctx.addIssue({ code: 'custom', path: ['fields', 'properties'], message: 'must name at least one field' });
    if (count > ANALYSIS_LIMITS.fields)
      ctx.addIssue({
        code: 'custom',
        path: ['fields', 'properties'],
        message: `must name at most ${ANALYSIS_LIMITS.fields} fields`,
      });
  })
  .describe('post-call analysis: done from the transcript once the call has ended, announced by call.analyzed');
