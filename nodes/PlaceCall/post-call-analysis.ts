import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { AnalysisRequest } from '../shared/wire-types';

/** Place Call's fields for the post-call analysis: a summary toggle, fields to fill in, extra instructions. */

type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'options';

interface FieldRow {
	name?: string;
	type?: FieldType;
	description?: string;
	options?: string;
	required?: boolean;
}

export const postCallAnalysisProperties: INodeProperties[] = [
	{
		displayName: 'Post-Call Analysis',
		name: 'analysis',
		type: 'collection',
		placeholder: 'Add Analysis',
		default: {},
		description:
			'After the call, Gemini reads the transcript and fills these in. They come in Await Transcript’s output as analysis.summary and analysis.fields.',
		options: [
			{
				displayName: 'Summary',
				name: 'summary',
				type: 'boolean',
				default: true,
				description: 'Whether to write a short summary of what was said and agreed',
			},
			{
				displayName: 'Fields',
				name: 'fields',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true, sortable: true },
				placeholder: 'Add Field',
				default: {},
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{
								displayName: 'Description',
								name: 'description',
								type: 'string',
								default: '',
								placeholder: 'the date the customer agreed to, as YYYY-MM-DD',
								description: 'What the field means: the model reads this',
							},
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'appointmentDate',
								description: 'Letters, digits and _; it is the key in analysis.fields',
							},
							{
								displayName: 'Options',
								name: 'options',
								type: 'string',
								default: '',
								placeholder: 'interested, not interested, call back',
								description: 'For One Of: the allowed values, separated by commas',
								displayOptions: { show: { type: ['options'] } },
							},
							{
								displayName: 'Required',
								name: 'required',
								type: 'boolean',
								default: true,
								description:
									'Whether the field must always be filled in (otherwise it is left out when the call does not say)',
							},
							{
								displayName: 'Type',
								name: 'type',
								type: 'options',
								options: [
									{ name: 'Number', value: 'number' },
									{ name: 'One Of (Options)', value: 'options' },
									{ name: 'Text', value: 'string' },
									{ name: 'Whole Number', value: 'integer' },
									{ name: 'Yes/No', value: 'boolean' },
								],
								default: 'string',
							},
						],
					},
				],
			},
			{
				displayName: 'Instructions',
				name: 'prompt',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				placeholder: 'Write the summary in German. A callback counts as interested.',
				description: 'Extra instructions for the analysis',
			},
		],
	},
];

const FIELD_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

function fieldSchema(row: FieldRow): Record<string, unknown> {
	const description = row.description?.trim() ? { description: row.description.trim() } : {};
	if (row.type === 'options') {
		const values = (row.options ?? '')
			.split(',')
			.map((value) => value.trim())
			.filter(Boolean);
		return { type: 'string', enum: values, ...description };
	}
	return { type: row.type ?? 'string', ...description };
}

/** The call request's `analysis`, from the node's fields (undefined when nothing is asked). */
export function analysisOf(context: IExecuteFunctions, itemIndex: number): AnalysisRequest | undefined {
	const raw = context.getNodeParameter('analysis', itemIndex, {}) as {
		summary?: boolean;
		fields?: { field?: FieldRow[] };
		prompt?: string;
	};
	const rows = raw.fields?.field ?? [];
	const summary = raw.summary ?? (Object.keys(raw).length > 0 && rows.length === 0);
	if (!summary && rows.length === 0) return undefined;
	const properties: Record<string, unknown> = {};
	const required: string[] = [];
	for (const row of rows) {
		const name = (row.name ?? '').trim();
		if (!FIELD_NAME.test(name))
			throw new NodeOperationError(
				context.getNode(),
				`Analysis field name "${name}" must start with a letter or _ and use only letters, digits and _`,
				{ itemIndex },
			);
		if (row.type === 'options' && !(row.options ?? '').trim())
			throw new NodeOperationError(context.getNode(), `Analysis field "${name}" needs its options`, { itemIndex });
		properties[name] = fieldSchema(row);
		if (row.required !== false) required.push(name);
	}
	const prompt = raw.prompt?.trim();
	return {
		...(summary ? { summary: true } : {}),
		...(rows.length > 0 ? { fields: { type: 'object', properties, required } } : {}),
		...(prompt ? { prompt } : {}),
	};
}
