/**
 * The validator of results.json (and of `gilscope bench --json`): ajv, strict, over the schema
 * defined in results.ts. `compare` validates both files with it before reading a number from them.
 */
import { Ajv, type ErrorObject } from 'ajv';

import { resultsSchema } from './results.js';

let compiled: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, formats: { 'date-time': true } });
    compiled = ajv.compile(resultsSchema);
  }
  return compiled;
}

/** The schema errors of `value` as readable lines; empty when it is a valid results document. */
export function schemaErrors(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((e: ErrorObject) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}
