import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeIgnored, ignoreError, reportIgnored, setIgnoredErrorSink, withIgnoredErrorSink } from '../../../src/core/ignoredErrors.ts';

test('an ignored error reaches the sink of the run it happened in, even across awaits and concurrent runs', async () => {
  const fallback: string[] = [];
  setIgnoredErrorSink((why) => fallback.push(why));
  try {
    const runA: string[] = [];
    const runB: string[] = [];
    await Promise.all([
      withIgnoredErrorSink((why) => runA.push(why), async () => {
        await sleep(5);
        await Promise.reject(new Error('boom')).catch(ignoreError('cleanup A'));
      }),
      withIgnoredErrorSink((why) => runB.push(why), async () => {
        await sleep(1);
        reportIgnored('cleanup B', new Error('bang'));
      }),
    ]);
    reportIgnored('outside any run', new Error('x'));
    assert.deepEqual(runA, ['cleanup A']);
    assert.deepEqual(runB, ['cleanup B']);
    assert.deepEqual(fallback, ['outside any run']);
  } finally {
    setIgnoredErrorSink(undefined);
  }
});

test('ignoreError yields undefined, and a sink that throws does not turn the ignored error into a failure', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    const value = await withIgnoredErrorSink(() => {
      throw new Error('output channel closed');
    }, () => Promise.reject(new Error('boom')).catch(ignoreError('best effort')));
    assert.equal(value, undefined);
    await sleep(10);
    assert.ok(warnings.some((w) => w.includes('best effort') && w.includes('output channel closed')), warnings.join('\n'));
  } finally {
    process.off('warning', onWarning);
  }
});

test('the log line names the reason and the first line of the message, never a stack', () => {
  const line = describeIgnored('could not prune', new Error('fatal: bad\n    at stack line'));
  assert.equal(line, 'could not prune (ignored: fatal: bad)');
});
