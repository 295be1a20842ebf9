/** Reading a results file back: JSON, a gilscope results object, a readable version, valid. */
import { readFileSync } from 'node:fs';

import { describe } from '../../src/internal.js';
import { schemaErrors } from '../model/validate.js';
import { READABLE_SCHEMA_VERSIONS, SCHEMA_NAME, type BenchResults } from '../model/results.js';

/** Reads and validates a results file; the error says which file and what is wrong with it. */
export function loadResults(path: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${path}: not JSON (${(err as Error).message}); expected a results.json written by \`gilscope bench\``,
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `${path}: not a gilscope bench results file ` +
        `(it holds ${describe(value)}, expected an object with "schema": "${SCHEMA_NAME}")`,
    );
  }
  const header = value as { schema?: unknown; schemaVersion?: unknown };
  if (header.schema !== SCHEMA_NAME) {
    throw new Error(
      `${path}: not a gilscope bench results file ` +
        `(its "schema" is ${describe(header.schema)}, expected "${SCHEMA_NAME}")`,
    );
  }
  if (typeof header.schemaVersion !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(header.schemaVersion)) {
    throw new Error(
      `${path}: results schema version ${describe(header.schemaVersion)}, ` +
        `this gilscope reads versions ${READABLE_SCHEMA_VERSIONS.join(', ')}`,
    );
  }
  const errors = schemaErrors(value);
  if (errors.length) throw new Error(`${path}: malformed results file:\n  ${errors.join('\n  ')}`);
  return value as BenchResults;
}
