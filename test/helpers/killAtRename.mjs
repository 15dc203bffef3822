// Fault injection for crash tests, loaded with `node --import`: kills this process (SIGKILL, as a
// power cut or the OOM killer would) at the Nth rename into the store — just before it or just after
// it. Renames are the commit points of every store write, so these are the moments that matter.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const at = Number(process.env.COEVOLVE_TEST_KILL_AT_RENAME);
const when = process.env.COEVOLVE_TEST_KILL_WHEN === 'before' ? 'before' : 'after';
const under = process.env.COEVOLVE_TEST_KILL_UNDER ?? '';
let seen = 0;

if (Number.isInteger(at) && at > 0 && under) {
  const rename = fs.promises.rename;
  fs.promises.rename = async (from, to) => {
    const counts = String(to).startsWith(under);
    if (counts && ++seen === at && when === 'before') process.kill(process.pid, 'SIGKILL');
    await rename(from, to);
    if (counts && seen === at && when === 'after') process.kill(process.pid, 'SIGKILL');
  };
  syncBuiltinESMExports();
}
