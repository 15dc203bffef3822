import { createHash } from 'node:crypto';
import type { FailureRecord } from './failureRecords.ts';

/** What makes failures "the same kind of mistake" across different runs and tasks. */
export interface FailureSignature {
  /** TypeError, AssertionError, TS2322, no-unused-vars… or the check's status when nothing better shows. */
  errorType: string;
  /** The first message line with the particulars (names, numbers, paths, quoted text) masked. */
  template: string;
  /** The failing test's name with numbers masked, when there is one. */
  test?: string;
  /** The folder the failure points at (two levels), when it names a file. */
  area?: string;
  /** What clusters are keyed by: the error type and the message template. */
  key: string;
}

const ERROR_NAME = /\b([A-Z][A-Za-z]*(?:Error|Exception))\b/;
const TS_CODE = /\b(TS\d{4,5})\b/;
const LINT_RULE = /\(?\b((?:@[\w-]+\/)?[a-z][\w-]*(?:\/[a-z][\w-]*)?)\)?\s*$/;
const ASSERTION_WORDS = /\b(expected|to equal|to be|deepEqual|strictEqual|assert)/i;

export function failureSignature(record: Pick<FailureRecord, 'checkId' | 'checkStatus' | 'failure'>): FailureSignature {
  const { failure } = record;
  const firstLine = failure.message.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  const errorType = errorTypeOf(firstLine, failure.message, record.checkId, record.checkStatus);
  const template = messageTemplate(firstLine);
  const test = failure.testName ? failure.testName.replace(/\d+/g, '#').slice(0, 120) : undefined;
  const area = failure.file ? failure.file.split('/').slice(0, -1).slice(0, 2).join('/') || '.' : undefined;
  return { errorType, template, ...(test ? { test } : {}), ...(area ? { area } : {}), key: `${errorType}|${template}` };
}

export function signatureId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

function errorTypeOf(firstLine: string, message: string, checkId: string, status: string): string {
  const named = ERROR_NAME.exec(firstLine) ?? ERROR_NAME.exec(message.slice(0, 2_000));
  if (named) return named[1]!;
  const ts = TS_CODE.exec(message);
  if (ts) return ts[1]!;
  if (/lint/i.test(checkId)) {
    const rule = LINT_RULE.exec(firstLine);
    if (rule) return `lint:${rule[1]}`;
  }
  if (ASSERTION_WORDS.test(firstLine)) return 'AssertionError';
  return status === 'failed' ? `${checkId} failure` : `${checkId} ${status}`;
}

/**
 * The message with what varies between occurrences masked: quoted text, numbers, paths, hex, and
 * long identifiers inside quotes — so "Cannot read properties of undefined (reading 'total')" and
 * "... (reading 'items')" are one template.
 */
export function messageTemplate(line: string): string {
  return line
    .replace(/(['"`])(?:(?!\1).){0,200}\1/g, '<v>')
    .replace(/(?:[A-Za-z]:)?(?:\.{0,2}\/)?(?:[\w.@-]+\/)+[\w.@-]+/g, '<path>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<n>')
    .replace(/-?\b\d+(?:\.\d+)?\b/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}
